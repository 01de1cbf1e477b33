#!/usr/bin/env bash
# Run the real SkillMeat 0.74 `sync-check` non-interactively against an isolated SkillMeat home,
# and (optionally) build such a home with a project of N deployed skills to run it on.
#
# Usage:
#   scripts/skillmeat-synccheck.sh [--home DIR] [--time FILE] PROJECT [EXTRA_SKILLMEAT_ARGS...]
#       Prints `skillmeat sync-check PROJECT --format json` on stdout (SkillMeat's log noise goes to
#       stderr) and exits with SkillMeat's code: 0 no drift, 1 drift found (or an error).
#       --time FILE: run under `/usr/bin/time -v` and write its report (wall time, peak RSS) to FILE.
#   scripts/skillmeat-synccheck.sh --setup N [--home DIR] PROJECT
#       Creates the isolated home (collection "default") with N skills skill-001..skill-N (each a
#       SKILL.md plus scripts/helper.py, added with `skillmeat add skill --yes`), runs
#       `skillmeat init --no-input` in PROJECT and `skillmeat deploy <all> --project PROJECT
#       --overwrite`. Slow: ~3-4 s per `add` (Python start-up), so ~6 min for 100.
#
# The isolated home: --home DIR, else $SKILLMEAT_ISOLATED_HOME; required. It is used as HOME:
# SkillMeat 0.74 has NO config-dir variable (no SKILLMEAT_CONFIG_DIR / SKILLMEAT_HOME); it uses
# Path.home()/".skillmeat" for config.toml, collections/, snapshots/, cache/cache.db, analytics.db,
# and $XDG_CONFIG_HOME (default ~/.config)/skillmeat for "system project" metadata. So skillmeat runs
# here under `env -i` with only:
#     PATH=<venv>/bin:/usr/local/bin:/usr/bin:/bin HOME=DIR XDG_CONFIG_HOME=DIR/.config
#     XDG_CACHE_HOME=DIR/.cache XDG_DATA_HOME=DIR/.local/share XDG_STATE_HOME=DIR/.local/state
#     TMPDIR=DIR/tmp LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb NO_COLOR=1 COLUMNS=200
#     SKILLMEAT_DISABLE_KEYCHAIN=1 PYTHONDONTWRITEBYTECODE=1
# and stdin from /dev/null (no prompts; `--format json` because the output is not a TTY anyway).
# Nothing inherited (DATABASE_URL, SKILLMEAT_*, tokens) can leak in, and the real ~/.skillmeat is
# never touched. The equivalent one-liner:
#     env -i PATH=... HOME=DIR ... skillmeat sync-check PROJECT --format json </dev/null
#
# JSON shape (stdout): {"drift_detected": bool, "drift_count": int, "artifacts": [ {"name", "type",
# "drift_type": "modified"|"outdated"|"conflict"|"removed"|"added", "collection_sha",
# "project_sha", "collection_version", "project_version", "last_deployed", "recommendation"} ]}.
# Synced artifacts are not listed at all. Only skills (and workflows) are looked up in the
# collection, so every deployed command/agent reads as "removed" (recommendation
# "remove_from_project").
#
# Side effects of sync-check: for each "modified"/"conflict" artifact it adds
# `modification_detected_at = "<naive ISO>"` to that entry in PROJECT/.claude/.skillmeat-deployed.toml
# (once; later runs keep the first time) and rewrites the whole file (an entry without
# version_lineage gains the default `[content_hash]`); content_hash/local_modifications are left as
# they were. It also records a local_modification version in DIR/.skillmeat/cache/cache.db.
# The Python venv comes from scripts/setup-skillmeat.sh (installed on first use).
#
# Measured (2-core box, 100 deployed skills, SkillMeat 0.74.0, --time): all synced: 3.6 s wall,
# 154 MB peak RSS, exit 0 -- nearly all start-up: `skillmeat --version` alone takes 3.3 s / 153 MB.
# Each *newly* detected modified/conflict skill adds ~30 s on the first run that sees it: SkillMeat's
# version recording hits "database is locked" on its own cache.db (sqlite timeout=30), logged with
# tracebacks on stderr, non-fatal (3 new edits: 65 s, 178 MB). Runs after that: ~3.9 s again.
# A deleted project copy is not reported at all (SkillMeat falls back to the baseline hash).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
home=${SKILLMEAT_ISOLATED_HOME:-}
setup_n=""
time_file=""
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [[ $# -gt 0 ]]; do
    case $1 in
        --home) home=$2; shift 2 ;;
        --time) time_file=$2; shift 2 ;;
        --setup) setup_n=$2; shift 2 ;;
        -h|--help) usage ;;
        --) shift; break ;;
        -*) echo "skillmeat-synccheck: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
[[ $# -ge 1 ]] || usage
project=$1; shift
[[ -n $home ]] || { echo "skillmeat-synccheck: give --home DIR or set SKILLMEAT_ISOLATED_HOME" >&2; exit 2; }

sm_bin=$("$repo_root/scripts/setup-skillmeat.sh")
venv_bin=$(dirname "$sm_bin")
mkdir -p "$home/tmp"
home=$(cd "$home" && pwd -P)
real_home=${HOME:-/root}
if [[ $home == "$real_home" ]]; then
    echo "skillmeat-synccheck: refusing to use the real HOME ($real_home) as the isolated home" >&2
    exit 2
fi

sm_env=(env -i
    PATH="$venv_bin:/usr/local/bin:/usr/bin:/bin"
    HOME="$home"
    XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache"
    XDG_DATA_HOME="$home/.local/share" XDG_STATE_HOME="$home/.local/state"
    TMPDIR="$home/tmp" LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb NO_COLOR=1 COLUMNS=200
    SKILLMEAT_DISABLE_KEYCHAIN=1 PYTHONDONTWRITEBYTECODE=1)
sm() { "${sm_env[@]}" "$sm_bin" "$@" </dev/null; }

if [[ -n $setup_n ]]; then
    [[ $setup_n =~ ^[0-9]+$ && $setup_n -ge 1 ]] || { echo "skillmeat-synccheck: --setup needs a count" >&2; exit 2; }
    mkdir -p "$project"
    project=$(cd "$project" && pwd -P)
    src=$home/src
    log=$home/setup.log
    : >"$log"
    [[ -d $home/.skillmeat/collections/default ]] || sm collection create default >>"$log" 2>&1
    names=()
    for ((i = 1; i <= setup_n; i++)); do
        name=$(printf 'skill-%03d' "$i")
        names+=("$name")
        [[ -d $home/.skillmeat/collections/default/skills/$name ]] && continue
        mkdir -p "$src/$name/scripts"
        printf -- '---\nname: %s\ndescription: Benchmark skill number %d.\n---\n\n# %s\n\nUse scripts/helper.py.\n' \
            "$name" "$i" "$name" >"$src/$name/SKILL.md"
        printf '#!/usr/bin/env python3\nprint("helper of %s")\n' "$name" >"$src/$name/scripts/helper.py"
        sm add skill "$src/$name" --yes >>"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
        echo "skillmeat-synccheck: added $name" >&2
    done
    [[ -f $project/.skillmeat/manifest.toml ]] || (cd "$project" && sm init --no-input >>"$log" 2>&1)
    sm deploy "${names[@]}" --project "$project" --overwrite >>"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
    echo "skillmeat-synccheck: deployed $setup_n skills into $project (log: $log)" >&2
    exit 0
fi

[[ -d $project ]] || { echo "skillmeat-synccheck: no project folder $project" >&2; exit 2; }
project=$(cd "$project" && pwd -P)
if [[ -n $time_file ]]; then
    [[ -x /usr/bin/time ]] || { echo "skillmeat-synccheck: /usr/bin/time not installed (apt-get install time)" >&2; exit 2; }
    exec "${sm_env[@]}" /usr/bin/time -v -o "$time_file" "$sm_bin" sync-check "$project" --format json "$@" </dev/null
fi
exec "${sm_env[@]}" "$sm_bin" sync-check "$project" --format json "$@" </dev/null
