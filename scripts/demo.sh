#!/usr/bin/env bash
# The main job on the bundled demo: copies fixtures/ to a temporary folder (so the checkout stays
# clean), shows the drift of every artifact, then updates one, pushes another, merges a third
# whose both sides changed, resolves its conflict, and shows the drift again.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "building the release binary (the first build on a fresh clone takes several minutes)..." >&2
cargo build --release --quiet -p skillmeat-lsp
bin="$PWD/target/release/skillmeat-lsp"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R fixtures/. "$tmp/"
# The demo's project is not one of yours: remember it in the demo's own state, not in yours.
export XDG_STATE_HOME="$tmp/state"
run() {
    printf '\n$ skillmeat-lsp %s\n' "$*"
    "$bin" --workspace "$tmp/project" --collection "$tmp/collection" "$@" || printf '(exit %s)\n' "$?"
}
run status
run history skill:code-review
run sync skill:release-notes --apply
run sync skill:code-review --direction project-to-collection --apply
run sync skill:api-design
# A three-way merge: the same line of pdf-tools edited in the project and in the collection.
sed -i 's/^1. Run the script.$/1. Run the script with --verbose./' "$tmp/project/.claude/skills/pdf-tools/SKILL.md"
sed -i 's/^1. Run the script.$/1. Run the script on each file./' "$tmp/collection/skills/pdf-tools/SKILL.md"
sed -i 's/^2. Summarise.$/2. Summarise in three bullets./' "$tmp/collection/skills/pdf-tools/SKILL.md"
printf '\n(edited line 1 of the steps in both tiers, and line 2 in the collection)\n'
run sync skill:pdf-tools --apply
printf '\n$ cat .claude/skills/pdf-tools/SKILL.md\n'
cat "$tmp/project/.claude/skills/pdf-tools/SKILL.md"
run resolve skill:pdf-tools --take theirs
run history skill:pdf-tools
run status
