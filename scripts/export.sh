#!/bin/bash
# Rewrite patches/ from the assembled tree's commits since `base`.
# Output is stable: no commit ids, no signature, fixed abbreviation, fixed
# file names, so exporting an unchanged tree is byte-identical.
# The hand-written cover letter (patches/cover-letter) is kept.
#   export.sh [DIR]   write into DIR instead of patches/ (used by checks)
. "$(dirname "$0")/lib.sh"

out=${1:-$PATCH_DIR}
[ -d "$QEMU_TREE/.git" ] || die "no assembled tree: run scripts/assemble.sh"
git -C "$QEMU_TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
    die "assembled tree has no $BASE_TAG tag"
if [ -n "$(git -C "$QEMU_TREE" status --porcelain --untracked-files=no)" ] && [ -z "${1:-}" ]; then
    msg "warning: build/qemu has uncommitted changes; they are not exported"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$QEMU_TREE" \
    -c core.abbrev=12 -c diff.algorithm=myers -c diff.noprefix=false \
    -c diff.mnemonicPrefix=false -c diff.renames=true -c format.signoff=false \
    -c format.coverLetter=false -c format.numbered=false -c format.thread=false \
    format-patch -q --no-numbered --zero-commit --no-signature --no-binary \
    --abbrev=12 --stat=80 --no-attach --no-cover-letter \
    --subject-prefix=PATCH -o "$tmp" "$BASE_TAG..HEAD"
(cd "$tmp" && ls -1 -- *.patch 2>/dev/null || true) > "$tmp/series.new"
{
    echo "# Order in which the patches apply on the base (written by scripts/export.sh)."
    cat "$tmp/series.new"
} > "$tmp/series"
rm "$tmp/series.new"

mkdir -p "$out"
rm -f "$out"/[0-9][0-9][0-9][0-9]-*.patch
cp "$tmp"/*.patch "$out"/ 2>/dev/null || true
cp "$tmp/series" "$out/series"
if [ -z "${1:-}" ]; then
    # The tree now holds nothing unexported: assemble.sh may re-apply on it.
    git -C "$QEMU_TREE" rev-parse HEAD > "$QEMU_TREE/.git/qn-assembled-head"
    msg "exported $(grep -vc '^#' "$out/series") patches to patches/"
fi
