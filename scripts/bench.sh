#!/usr/bin/env bash
# The benchmark: builds release binaries and prints the figures of docs/design.md §11 against their
# budgets. Optional arguments pick sections: drift, merge, sync, skillmeat, lsp, projects (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --workspace
exec target/release/skillmeat-bench "$@"
