#!/usr/bin/env bash
# The main job on the bundled demo: copies fixtures/ to a temporary folder (so the checkout stays
# clean), shows the drift of every artifact, its history, and a deploy that fixes one.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p skillmeat-lsp
bin="$PWD/target/release/skillmeat-lsp"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R fixtures/. "$tmp/"
run() {
    printf '\n$ skillmeat-lsp %s\n' "$*"
    "$bin" --workspace "$tmp/project" --collection "$tmp/collection" "$@" || printf '(exit %s)\n' "$?"
}
run status
run history skill:code-review
run deploy skill:release-notes
run status --json
