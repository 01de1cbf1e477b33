# Shared by the set-up scripts that make project-local venvs (sourced, not run).

# Prints a Python >= 3.9 with the venv module: $PYTHON if set, else the first found on PATH.
# $1 names the calling script in the error message.
pick_python() {
    if [[ -n ${PYTHON:-} ]]; then echo "$PYTHON"; return; fi
    local c
    for c in python3.11 python3.12 python3.13 python3 python; do
        if command -v "$c" >/dev/null 2>&1 &&
            "$c" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
            echo "$c"; return
        fi
    done
    echo "${1:-setup}: no Python >= 3.9 with the venv module found (set PYTHON=...)" >&2
    exit 1
}
