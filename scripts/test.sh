#!/usr/bin/env bash
# The whole test suite: formatting, lints, every unit and integration test. `.ci/run` calls this.
# Needs a Rust toolchain, git and python3; installs the rest (SkillMeat from PyPI for the interop
# tests, and the editors for their suites) into .tools/ on first run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
bash scripts/test-nvim.sh
bash scripts/test-vscode.sh
