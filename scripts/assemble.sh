#!/bin/bash
# Build the assembled tree: a git repository in build/qemu holding one base
# commit (the pinned Debian source, Debian's patches applied) tagged `base`,
# then every patch of patches/series applied with `git am`, one commit each.
#
# An existing tree is kept when it already matches patches/ (so incremental
# builds stay incremental).  When patches/ changed (a pull, say) and the
# tree holds nothing unexported, the series is re-applied on `base`.  A tree
# with unexported work is never overwritten: export it first, or pass
# --force to throw it away.
. "$(dirname "$0")/lib.sh"

force=
[ "${1:-}" = --force ] && force=1

patches_in_series() {
    [ -f "$SERIES_FILE" ] || return 0
    grep -v -e '^#' -e '^[[:space:]]*$' "$SERIES_FILE" || true
}

apply_series() {
    local p n=0
    while read -r p; do
        [ -f "$PATCH_DIR/$p" ] || die "series names $p, which is not in patches/"
        if ! git -C "$QEMU_TREE" am -q --keep-cr "$PATCH_DIR/$p"; then
            git -C "$QEMU_TREE" am --abort || true
            die "$p does not apply"
        fi
        n=$((n + 1))
    done < <(patches_in_series)
    git -C "$QEMU_TREE" rev-parse HEAD > "$QEMU_TREE/.git/qn-assembled-head"
    msg "assembled tree: base + $n patches"
}

unpack_base() { # dest
    local dl=$CACHE_DIR/downloads tmp
    bash "$TOP/scripts/fetch-base.sh"
    tmp=$(mktemp -d "$BUILD_DIR/unpack.XXXXXX")
    msg "unpacking $BASE_DSC"
    dpkg-source --no-check -q -x "$dl/$BASE_DSC" "$tmp/src" >/dev/null
    # The tree is QEMU's: Debian's packaging and quilt state stay out.
    rm -rf "$tmp/src/debian" "$tmp/src/.pc"
    mv "$tmp/src" "$1"
    rm -rf "$tmp"
}

mkdir -p "$BUILD_DIR"

if [ -d "$QEMU_TREE/.git" ] && git -C "$QEMU_TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null; then
    if bash "$TOP/scripts/check-exported.sh" --quiet; then
        msg "assembled tree matches patches/"
        exit 0
    fi
    head=$(git -C "$QEMU_TREE" rev-parse HEAD)
    clean=1
    [ -z "$(git -C "$QEMU_TREE" status --porcelain --untracked-files=no)" ] || clean=
    if [ -z "$force" ] && { [ -z "$clean" ] ||
        [ "$head" != "$(cat "$QEMU_TREE/.git/qn-assembled-head" 2>/dev/null)" ]; }; then
        die "build/qemu holds work that is not in patches/: run scripts/export.sh (or assemble --force to discard it)"
    fi
    msg "patches/ changed: re-applying the series on $BASE_TAG"
    git -C "$QEMU_TREE" am --abort >/dev/null 2>&1 || true
    git -C "$QEMU_TREE" checkout -q -f -B master "$BASE_TAG"
    apply_series
    exit 0
fi

rm -rf "$QEMU_TREE"
unpack_base "$QEMU_TREE"
cd "$QEMU_TREE"
git init -q -b master
printf '/build/\n' >> .git/info/exclude
git add -A -f .
git -c commit.gpgsign=false commit -q --no-verify \
    -m "QEMU $BASE_VERSION (Debian source package, Debian patches applied)" \
    -m "Base of the series, unpacked with dpkg-source -x; not for posting."
git tag "$BASE_TAG"
apply_series
