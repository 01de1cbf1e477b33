#!/usr/bin/env bash
# The VS Code extension's tests: the ones that need no editor (manifest against
# `skillmeat-lsp serve --describe`, the diff rebuilding, the binary lookup, the status summary;
# node's test runner on the compiled helpers), then the end-to-end suite in a real VS Code
# (code-server under Node 24, the extension installed from the .vsix built here, driven by
# playwright-core in Debian's Chromium). Installs what it needs with scripts/setup-vscode.sh.
# The last line is `N passed, M failed`; the exit code is non-zero on any failure.
#
#   scripts/test-vscode.sh                # everything
#   scripts/test-vscode.sh --unit         # only the tests that need no editor
#   scripts/test-vscode.sh --screenshots  # also refresh docs/img/vscode-*.png from the e2e run
#
# Failure screenshots of the e2e run are left in target/vscode-e2e/shots/.
set -uo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}" CI="${CI:-true}"

unit_only=0
shots_dir="$repo_root/target/vscode-e2e/shots"
for a in "$@"; do
    case $a in
        --unit) unit_only=1 ;;
        --screenshots) shots_dir="$repo_root/docs/img" ;;
        *)
            echo "usage: $0 [--unit] [--screenshots]" >&2
            exit 2
            ;;
    esac
done

passed=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/skillmeat-vscode-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
t0=$(date +%s)

say() { echo "test-vscode: $*"; }

# A step that is no test of its own (build, set-up): when it fails, that is one failure and
# the tests that need it are not run.
prepare() {
    local what=$1
    shift
    if ! "$@" </dev/null >"$work/step.log" 2>&1; then
        say "FAILED: $what"
        tail -n 40 "$work/step.log"
        failed=$((failed + 1))
        return 1
    fi
}

# Runs node's test runner on "$@" with the spec reporter on screen and TAP on the side, and adds
# the TAP totals. $2 is the node command, split into words (it may start with `timeout N`).
node_tests() {
    local name=$1 node=$2
    shift 2
    local tap="$work/$name.tap"
    $node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
        --test-reporter=tap --test-reporter-destination="$tap" "$@" </dev/null
    local rc=$? p f
    p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
    f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
    p=${p:-0}
    f=${f:-0}
    if ((rc != 0 && f == 0)); then f=1; fi # the runner itself failed (a crash, a timeout)
    passed=$((passed + p))
    failed=$((failed + f))
    say "$name: $p passed, $f failed"
}

if prepare "cargo build -p skillmeat-lsp" cargo build --quiet -p skillmeat-lsp &&
    prepare "scripts/setup-vscode.sh" bash scripts/setup-vscode.sh; then
    t_setup=$(date +%s)
    say "build and set-up took $((t_setup - t0)) s"
    export SKILLMEAT_LSP_PATH="$repo_root/target/debug/skillmeat-lsp"
    if prepare "npm run compile" npm run --silent compile; then
        node_tests unit node editors/vscode/out/test/
    fi
    if ((unit_only == 0)) &&
        prepare "npm run package (.vsix)" env SKILLMEAT_BUNDLE_SERVER="$SKILLMEAT_LSP_PATH" npm run --silent package; then
        mkdir -p "$shots_dir"
        rm -f "$repo_root"/target/vscode-e2e/shots/failed-*.png
        t_e2e=$(date +%s)
        SKILLMEAT_LSP="$SKILLMEAT_LSP_PATH" \
            SKILLMEAT_VSIX="$repo_root/editors/vscode/skillmeat-lsp.vsix" \
            SKILLMEAT_E2E_SHOTS="$shots_dir" \
            node_tests e2e "timeout 900 editors/vscode/e2e/runtime/node_modules/.bin/node" \
            --test-timeout=600000 editors/vscode/e2e/e2e.test.mjs
        say "e2e suite took $(($(date +%s) - t_e2e)) s"
    fi
fi

say "total $(($(date +%s) - t0)) s"
echo "$passed passed, $failed failed"
((failed == 0))
