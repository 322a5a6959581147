#!/bin/bash
# Check that the series applies with `git am` to the pristine 10.2.2 tree:
# the orig tarball as upstream-derived, without Debian's patches.  The
# pristine repository is cached under the cache directory.
. "$(dirname "$0")/lib.sh"

bash "$TOP/scripts/fetch-base.sh"
repo=$CACHE_DIR/pristine
if ! git -C "$repo" rev-parse -q --verify refs/tags/orig >/dev/null 2>&1; then
    msg "unpacking $BASE_ORIG (no Debian patches)"
    rm -rf "$repo"
    mkdir -p "$repo"
    tar -C "$repo" --strip-components=1 -xJf "$CACHE_DIR/downloads/$BASE_ORIG"
    git -C "$repo" init -q -b master
    git -C "$repo" add -A -f .
    git -C "$repo" -c commit.gpgsign=false commit -q --no-verify -m "QEMU $BASE_ORIG"
    git -C "$repo" tag orig
fi
git -C "$repo" am --abort >/dev/null 2>&1 || true
git -C "$repo" checkout -q -f -B check orig
git -C "$repo" clean -q -f -d
n=0
while read -r p; do
    if ! git -C "$repo" am -q "$PATCH_DIR/$p"; then
        git -C "$repo" am --abort || true
        die "$p does not apply to the pristine tree"
    fi
    n=$((n + 1))
done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$SERIES_FILE")
msg "all $n patches apply to the pristine tree"
