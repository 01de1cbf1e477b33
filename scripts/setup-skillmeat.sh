#!/usr/bin/env bash
# Install the real SkillMeat CLI (PyPI skillmeat==0.74.0) into a project-local venv and print the
# path of its `skillmeat` executable on stdout (everything else goes to stderr).
#
#   scripts/setup-skillmeat.sh            # -> /abs/path/to/repo/.tools/skillmeat-venv/bin/skillmeat
#   SKILLMEAT=$(scripts/setup-skillmeat.sh)
#
# Idempotent: if the venv already has skillmeat 0.74.0 it does nothing but print the path.
# Non-interactive (works with CI=true and no stdin). Needs Python >= 3.9 (the machine has 3.11) and
# access to PyPI. Override the interpreter with PYTHON=..., the venv location with
# SKILLMEAT_VENV=... (default: <repo>/.tools/skillmeat-venv; `.tools/` is gitignored).
set -euo pipefail

SKILLMEAT_VERSION=0.74.0
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${SKILLMEAT_VENV:-$repo_root/.tools/skillmeat-venv}

# shellcheck source=lib/python.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/python.sh"

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
if [[ ! -x $venv/bin/python ]]; then
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
