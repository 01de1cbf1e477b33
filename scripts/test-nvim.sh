#!/usr/bin/env bash
# Headless Neovim 0.11 specs of the Neovim client (editors/nvim/spec/*_spec.lua) against the real
# server: builds `skillmeat-lsp`, installs Neovim with scripts/setup-nvim.sh, and runs each spec
# file in its own `nvim --headless` with an isolated $HOME and XDG folders. Each spec prints
# PASS/FAIL lines; the last line is `N passed, M failed`; the exit code is non-zero on failure.
#
#   scripts/test-nvim.sh                 # every spec
#   scripts/test-nvim.sh sync quickfix   # only editors/nvim/spec/{sync,quickfix}_spec.lua
#
# Env: NVIM=/path/to/nvim skips the set-up; SKILLMEAT_SPEC_TIMEOUT (seconds per spec file, 60).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
started=$(date +%s)

cargo build --quiet -p skillmeat-lsp
bin="$repo_root/target/debug/skillmeat-lsp"
nvim=${NVIM:-$(bash scripts/setup-nvim.sh </dev/null)}
nvim=$(realpath "$(command -v "$nvim")")
echo "test-nvim: $("$nvim" --version | head -n 1) at $nvim"

spec_dir=editors/nvim/spec
specs=()
if (($# > 0)); then
    for name in "$@"; do specs+=("$spec_dir/${name%_spec.lua}_spec.lua"); done
else
    for f in "$spec_dir"/*_spec.lua; do specs+=("$f"); done
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/skillmeat-nvim.XXXXXX")
trap 'rm -rf "$work"' EXIT
per_spec=${SKILLMEAT_SPEC_TIMEOUT:-60}
passed=0
failed=0

for spec in "${specs[@]}"; do
    name=$(basename "$spec" .lua)
    if [[ ! -f $spec ]]; then
        echo "FAIL $name: no such spec file $spec"
        failed=$((failed + 1))
        continue
    fi
    home="$work/$name"
    mkdir -p "$home"/{config,data,state,cache,tmp}
    out="$home/stdout.log"
    err="$home/stderr.log"
    echo "-- $name"
    set +e
    (
        cd editors/nvim
        env -u SKILLMEAT_COLLECTION -u SKILLMEAT_CONFIG_DIR -u NVIM -u VIMINIT -u MYVIMRC \
            HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
            XDG_STATE_HOME="$home/state" XDG_CACHE_HOME="$home/cache" TMPDIR="$home/tmp" \
            SKILLMEAT_LSP_BIN="$bin" \
            timeout --kill-after=5 "$per_spec" \
            "$nvim" --headless -n -i NONE -u spec/minimal_init.lua \
            -c "luafile spec/$name.lua" </dev/null >"$out" 2>"$err"
    )
    code=$?
    set -e
    cat "$out"
    p=$(grep -c '^PASS ' "$out" || true)
    f=$(grep -c '^FAIL ' "$out" || true)
    passed=$((passed + p))
    failed=$((failed + f))
    if ((code != 0 && f == 0)); then
        # Crashed or timed out before reporting a failure: count the spec file as one.
        if ((code == 124 || code == 137)); then
            echo "FAIL $name: timed out after ${per_spec}s"
        else
            echo "FAIL $name: nvim exited with $code"
        fi
        failed=$((failed + 1))
    fi
    if ((code != 0)) && [[ -s $err ]]; then
        echo "   stderr of $name:"
        sed 's/^/   | /' "$err" | tail -n 40
    fi
    if ((code != 0)) && [[ -f $home/state/nvim/lsp.log ]]; then
        echo "   last lines of lsp.log:"
        tail -n 20 "$home/state/nvim/lsp.log" | cut -c1-400 | sed 's/^/   | /'
    fi
done

echo "test-nvim: $(( $(date +%s) - started ))s"
echo "$passed passed, $failed failed"
((failed == 0))
