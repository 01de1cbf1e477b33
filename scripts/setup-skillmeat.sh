#!/usr/bin/env bash
# Install the real SkillMeat CLI (PyPI skillmeat==0.74.0) into a project-local venv and print the
# path of its `skillmeat` executable on stdout (everything else goes to stderr).
#
#   scripts/setup-skillmeat.sh            # -> /abs/path/to/repo/.tools/skillmeat-venv/bin/skillmeat
#   SKILLMEAT=$(scripts/setup-skillmeat.sh)
#
# Idempotent: if the venv already has skillmeat 0.74.0 it does nothing but print the path; runs
# that overlap take turns (flock on `<venv>.lock`), and a venv without pip is made again.
# Non-interactive (works with CI=true and no stdin). Needs Python >= 3.9 (the machine has 3.11) and
# access to PyPI. Override the interpreter with PYTHON=..., the venv location with
# SKILLMEAT_VENV=... (default: <repo>/.tools/skillmeat-venv; `.tools/` is gitignored).
set -euo pipefail

SKILLMEAT_VERSION=0.74.0
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${SKILLMEAT_VENV:-$repo_root/.tools/skillmeat-venv}

# shellcheck source=lib/python.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/python.sh"

# One installer at a time: the tests run in one process, several of them may ask at once, and a
# venv half-made by another installer (or a killed one) must not be taken for a finished one.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9

installed_version() {
    [[ -x $venv/bin/python ]] || return 1
    "$venv/bin/python" - <<'EOF' 2>/dev/null
from importlib.metadata import version
print(version("skillmeat"))
EOF
}

if [[ $(installed_version || true) == "$SKILLMEAT_VERSION" && -x $venv/bin/skillmeat ]]; then
    echo "$venv/bin/skillmeat"
    exit 0
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    py=$(pick_python setup-skillmeat)
    echo "setup-skillmeat: creating venv $venv with $py" >&2
    mkdir -p "$(dirname "$venv")"
    rm -rf "$venv"
    "$py" -m venv "$venv" >&2
fi
echo "setup-skillmeat: installing skillmeat==$SKILLMEAT_VERSION" >&2
"$venv/bin/python" -m pip install --quiet "skillmeat==$SKILLMEAT_VERSION" </dev/null >&2

if [[ $(installed_version || true) != "$SKILLMEAT_VERSION" || ! -x $venv/bin/skillmeat ]]; then
    echo "setup-skillmeat: install finished but $venv/bin/skillmeat $SKILLMEAT_VERSION is missing" >&2
    exit 1
fi
echo "$venv/bin/skillmeat"
