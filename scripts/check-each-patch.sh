#!/bin/bash
# Build every prefix of the series (base + patch 1, + patch 2, ...) so that
# each patch is known to build on its own, as bisection needs.  Uses a
# separate worktree and build directory (build/each-patch), shares ccache.
#   EACH_FROM=N        start at patch N (earlier prefixes known good)
#   EACH_KEEP_GOING=1  report every failing patch instead of stopping at
#                      the first; the exit status is still non-zero
. "$(dirname "$0")/lib.sh"

bash "$TOP/scripts/check-exported.sh" || die "export the tree first"
wt=$BUILD_DIR/each-patch
if [ ! -d "$wt/.git" ] && [ ! -f "$wt/.git" ]; then
    git -C "$QEMU_TREE" worktree prune
    git -C "$QEMU_TREE" worktree add -q --detach "$wt" "$BASE_TAG"
fi
mapfile -t commits < <(git -C "$QEMU_TREE" rev-list --reverse "$BASE_TAG..HEAD")
from=${EACH_FROM:-1}
failed=()
fail() {
    [ "${EACH_KEEP_GOING:-0}" = 1 ] || die "$*"
    echo "FAILED: $*" >&2
    failed+=("$i")
}
start=$(date +%s)
i=0
for c in "${commits[@]}"; do
    i=$((i + 1))
    [ "$i" -ge "$from" ] || continue
    git -C "$wt" checkout -q --detach "$c"
    msg "[$i/${#commits[@]}] $(git -C "$wt" log -1 --format=%s "$c")"
    if ! QN_TREE=$wt bash "$TOP/scripts/build.sh" qemu-system-x86_64; then
        fail "patch $i does not build: $(git -C "$wt" log -1 --format=%s "$c")"
        continue
    fi
    # The series' test programs that exist at this point build too.
    extra=()
    if [ -f "$TOP/tests/targets" ]; then
        while read -r t; do
            ninja -C "$wt/build" -t query "$t" >/dev/null 2>&1 && extra+=("$t")
        done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/tests/targets")
    fi
    if [ ${#extra[@]} -gt 0 ]; then
        ninja -C "$wt/build" "${extra[@]}" ||
            fail "patch $i: tests do not build: $(git -C "$wt" log -1 --format=%s "$c")"
    fi
done
secs=$(( $(date +%s) - start ))
[ ${#failed[@]} -eq 0 ] || die "patches that do not build: ${failed[*]} (${secs} s)"
msg "patches $from-${#commits[@]} of ${#commits[@]} build on their own (${secs} s)"
