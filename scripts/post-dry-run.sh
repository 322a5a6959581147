#!/bin/bash
# make post-dry-run: the series as qemu-devel would receive it.  Produces
# build/outgoing/ with scripts/post.sh, applies its patches (not patches/)
# with `git am` to the pristine 10.2.2 tree, runs checkpatch --strict on
# each as sent, and asks get_maintainer.pl, in the tree with the series
# applied, which MAINTAINERS sections cover each file the series touches.
# Fails when a patch does not apply or has a checkpatch error or warning,
# or when a file the series adds is covered by no section but the
# catch-all ones ("All patches CC here", "THE REST"); files it changes
# that had no section before (meson.build, trace-events) are only counted.
#   post-dry-run.sh
. "$(dirname "$0")/lib.sh"

out=$BUILD_DIR/outgoing
repo=$CACHE_DIR/pristine
bash "$TOP/scripts/post.sh" > /dev/null
bash "$TOP/scripts/pristine-apply.sh" > /dev/null  # sets up the repository
git -C "$repo" am --abort > /dev/null 2>&1 || true
git -C "$repo" checkout -q -f -B dry-run orig
git -C "$repo" clean -q -f -d

fail=0 n=0
for p in "$out"/*.patch; do
    case $p in *0000-cover-letter.patch) continue ;; esac
    n=$((n + 1))
    if ! git -C "$repo" am -q "$p"; then
        git -C "$repo" am --abort || true
        echo "FAIL  ${p#$TOP/}: does not apply"
        fail=1
        break
    fi
    if ! "$repo/scripts/checkpatch.pl" --strict --patch "$p" > "$p.checkpatch" 2>&1 ||
        grep -q '^\(ERROR\|WARNING\)' "$p.checkpatch"; then
        echo "FAIL  ${p#$TOP/}: checkpatch (${p#$TOP/}.checkpatch)"
        fail=1
    fi
done
[ "$fail" = 0 ] && echo "$n patches apply to the pristine tree, checkpatch --strict clean"

# Sections per file: get_maintainer.pl --sections prints blocks separated
# by blank lines, each headed by the section's name.
sections() {
    (cd "$repo" && ./scripts/get_maintainer.pl --no-git --no-git-fallback \
        --sections -f "$1" 2>/dev/null) |
        awk 'BEGIN { head = 1 } /^$/ { head = 1; next } head { print; head = 0 }'
}
echo
echo "MAINTAINERS sections of the files the series touches:"
declare -A count
added=$(git -C "$repo" diff --name-only --diff-filter=A orig HEAD)
while read -r f; do
    [ -e "$repo/$f" ] || continue
    mapfile -t s < <(sections "$f")
    named=0
    for x in "${s[@]}"; do
        count[$x]=$(( ${count[$x]:-0} + 1 ))
        case $x in "THE REST"|"All patches CC here") ;; *) named=1 ;; esac
    done
    if [ "$named" = 0 ] && grep -qxF "$f" <<< "$added"; then
        echo "FAIL  $f (added): in no section but the catch-all ones"
        fail=1
    fi
done < <(git -C "$repo" diff --name-only orig HEAD)
for x in "${!count[@]}"; do
    printf '  %4d  %s\n' "${count[$x]}" "$x"
done | sort -rn
exit "$fail"
