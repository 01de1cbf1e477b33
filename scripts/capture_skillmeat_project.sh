#!/usr/bin/env bash
# Capture what the real SkillMeat CLI (0.74.0) writes when it deploys a skill, a command and an agent
# into a project, as test data for skillmeat-lsp's interop code.
#
#   scripts/capture_skillmeat_project.sh [OUT_DIR]
#     OUT_DIR defaults to server/core/tests/data/skillmeat/deployed (replaced wholesale)
#
# Result:
#   OUT_DIR/config.toml      ~/.skillmeat/config.toml as SkillMeat wrote it
#   OUT_DIR/collection/      ~/.skillmeat/collections/default (collection.toml, collection.lock, artifacts)
#   OUT_DIR/project/.claude/ the project's .claude/ after `skillmeat deploy` (incl. .skillmeat-deployed.toml,
#                            .skillmeat-project.toml and the zero-byte .<name>.skillmeat-lock sidecars)
#   OUT_DIR/README.md        the commands that made it
#
# Isolation: SkillMeat 0.74 has no config-dir environment variable; it uses Path.home()/".skillmeat"
# (i.e. $HOME) for config, collections, snapshots, cache.db and analytics.db, and XDG_CONFIG_HOME
# (default ~/.config) for its "system project" metadata. Every skillmeat call here runs under
# `env -i` with HOME, XDG_* and TMPDIR inside a throwaway temp dir, stdin from /dev/null, and no
# inherited SKILLMEAT_*/DATABASE_URL/GitHub token variables, so the real ~/.skillmeat is never read
# or written (checked at the end). Even `skillmeat --help` creates ~/.skillmeat/config.toml, so
# never run it outside such an environment.
#
# Absolute temp paths in the captured files are rewritten so that HOME reads as /home/user and the
# project as /home/user/project. Nothing else is changed (timestamps, UUIDs, file bytes, lock
# sidecars are kept exactly as written).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$repo_root/server/core/tests/data/skillmeat/deployed}
sm_bin=$("$repo_root/scripts/setup-skillmeat.sh")
venv_bin=$(dirname "$sm_bin")

real_home=${HOME:-/root}
real_sm_existed=0
[[ -e $real_home/.skillmeat ]] && real_sm_existed=1

T=$(mktemp -d "${TMPDIR:-/tmp}/skillmeat-capture.XXXXXX")
T=$(cd "$T" && pwd -P)
trap 'rm -rf "$T"' EXIT
H=$T/home/user      # becomes /home/user
P=$H/project        # becomes /home/user/project
S=$H/src            # sources the artifacts are added from
mkdir -p "$H/tmp" "$P" "$S/demo-skill/scripts"

# Run skillmeat fully isolated; cwd is $SM_CWD (default: the throwaway HOME).
sm() {
    (
        cd "${SM_CWD:-$H}"
        env -i \
            PATH="$venv_bin:/usr/local/bin:/usr/bin:/bin" \
            HOME="$H" \
            XDG_CONFIG_HOME="$H/.config" XDG_CACHE_HOME="$H/.cache" \
            XDG_DATA_HOME="$H/.local/share" XDG_STATE_HOME="$H/.local/state" \
            TMPDIR="$H/tmp" LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb NO_COLOR=1 COLUMNS=200 \
            SKILLMEAT_DISABLE_KEYCHAIN=1 PYTHONDONTWRITEBYTECODE=1 \
            "$sm_bin" "$@" </dev/null
    )
}

# --- the artifacts ---
cat >"$S/demo-skill/SKILL.md" <<'EOF'
---
name: demo-skill
description: Demo skill for skillmeat-lsp compatibility fixtures.
---

# Demo skill

Run `scripts/helper.py` to say hello.
EOF
cat >"$S/demo-skill/scripts/helper.py" <<'EOF'
#!/usr/bin/env python3
print("hello from helper")
EOF
cat >"$S/review.md" <<'EOF'
---
description: Review the staged diff
---

Review the staged changes and list problems by severity.
EOF
cat >"$S/reviewer.md" <<'EOF'
---
name: reviewer
description: Reviews code changes
---

You are a careful code reviewer.
EOF

log=$T/log
{
    sm collection create default
    sm add skill "$S/demo-skill" --yes
    sm add command "$S/review.md" --yes
    sm add agent "$S/reviewer.md" --yes
    SM_CWD=$P sm init --no-input
    sm deploy demo-skill review reviewer --project "$P" --overwrite
} >"$log" 2>&1 || {
    echo "capture_skillmeat_project: a skillmeat command failed:" >&2
    cat "$log" >&2
    exit 1
}

# --- copy out ---
rm -rf "$out"
mkdir -p "$out/project"
cp -a "$H/.skillmeat/collections/default" "$out/collection"
cp -a "$P/.claude" "$out/project/.claude"
cp -a "$H/.skillmeat/config.toml" "$out/config.toml"

# Rewrite absolute temp paths (only in files that contain them; bytes otherwise untouched).
"$venv_bin/python" - "$out" "$T" <<'EOF'
import sys
from pathlib import Path
out, tmp = Path(sys.argv[1]), sys.argv[2].encode()
for p in sorted(out.rglob("*")):
    if p.is_file() and not p.is_symlink():
        b = p.read_bytes()
        if tmp in b:
            p.write_bytes(b.replace(tmp, b""))
            print(f"capture_skillmeat_project: rewrote temp paths in {p.relative_to(out)}", file=sys.stderr)
EOF
if grep -rqF "$T" "$out"; then
    echo "capture_skillmeat_project: temp path still present in $out" >&2
    exit 1
fi

cat >"$out/README.md" <<'EOF'
# A project deployed by the real SkillMeat 0.74.0

Made by `scripts/capture_skillmeat_project.sh` (rerun it to regenerate; timestamps and UUIDs will
change). SkillMeat ran under `env -i` with `HOME=/home/user` (really a temp dir; SkillMeat has no
config-dir variable, it uses `$HOME/.skillmeat`), stdin closed. Commands, in order:

    skillmeat collection create default
    skillmeat add skill   /home/user/src/demo-skill --yes      # SKILL.md + scripts/helper.py
    skillmeat add command /home/user/src/review.md --yes
    skillmeat add agent   /home/user/src/reviewer.md --yes
    (cd /home/user/project && skillmeat init --no-input)
    skillmeat deploy demo-skill review reviewer --project /home/user/project --overwrite

Contents (temp paths rewritten to `/home/user...`, nothing else changed):

- `config.toml`: `~/.skillmeat/config.toml`.
- `collection/`: `~/.skillmeat/collections/default/` (`collection.toml`, `collection.lock`,
  `skills/demo-skill/`, `commands/review.md`, `agents/reviewer.md`).
- `project/.claude/`: the project's `.claude/` folder: the deployed copies,
  `.skillmeat-deployed.toml` (the deploy baselines), `.skillmeat-project.toml`, and the zero-byte
  lock sidecars SkillMeat leaves behind: `skills/.demo-skill.skillmeat-lock`,
  `commands/.review.md.skillmeat-lock`, `agents/.reviewer.md.skillmeat-lock` (file artifacts keep
  their `.md` in the sidecar name) and `..skillmeat-deployed.toml.skillmeat-lock`.

Not copied: `~/.skillmeat/{cache/cache.db,analytics.db,snapshots/}` and the project's
`.skillmeat/manifest.toml` (see `shared/reference/skillmeat-0.74/` for a captured one).

Each `content_hash` in `.skillmeat-deployed.toml` is `skillmeat.utils.filesystem.compute_content_hash`
of the deployed copy: SHA-256 over the skill folder (relative path + bytes per file, sorted), and
SHA-256 of the file bytes for the command and the agent.
EOF

# The real home must be as it was.
if [[ $real_sm_existed == 0 && -e $real_home/.skillmeat ]]; then
    echo "capture_skillmeat_project: $real_home/.skillmeat appeared; isolation failed" >&2
    exit 1
fi
echo "capture_skillmeat_project: wrote $out" >&2
find "$out" -type f | sort | sed "s|^$out/|  |" >&2
