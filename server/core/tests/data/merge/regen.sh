#!/usr/bin/env bash
# Regenerates the expected outputs of every case here with the system `git merge-file`, which is
# the reference our merge must equal. Each case folder holds base, ours and theirs; this writes
# merge.out / merge.code (default style) and diff3.out / diff3.code (--diff3), labels
# ours/base/theirs. A case with a `marker-size` file passes that length to git (our automatic
# length for inputs holding marker-like lines; git has no automatic rule).
set -euo pipefail
cd "$(dirname "$0")"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
for dir in */; do
    dir=${dir%/}
    extra=()
    if [[ -f $dir/marker-size ]]; then
        extra=(--marker-size="$(cat "$dir/marker-size")")
    fi
    for style in merge diff3; do
        args=()
        [[ $style == diff3 ]] && args=(--diff3)
        code=0
        (cd "$dir" && git -c merge.conflictStyle=merge merge-file -p "${args[@]}" "${extra[@]}" \
            -L ours -L base -L theirs ours base theirs >"$style.out") || code=$?
        echo "$code" >"$dir/$style.code"
    done
done
