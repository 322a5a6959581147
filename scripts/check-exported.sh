#!/bin/bash
# Fail when patches/ and the assembled tree disagree, so that no work is
# left unexported (or an export is missing from the tree).
#   check-exported.sh [--quiet]
. "$(dirname "$0")/lib.sh"

quiet=
[ "${1:-}" = --quiet ] && quiet=1
[ -d "$QEMU_TREE/.git" ] || { [ -n "$quiet" ] || msg "no assembled tree"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash "$TOP/scripts/export.sh" "$tmp/p" >/dev/null 2>&1 || exit 1
cmp_dir() {
    diff -r -q -x cover-letter "$PATCH_DIR" "$tmp/p" >/dev/null 2>&1
}
if ! cmp_dir; then
    if [ -z "$quiet" ]; then
        msg "patches/ and build/qemu disagree:"
        diff -r -q -x cover-letter "$PATCH_DIR" "$tmp/p" >&2 || true
        msg "run scripts/export.sh to save the tree, or scripts/assemble.sh to apply patches/"
    fi
    exit 1
fi
if [ -n "$(git -C "$QEMU_TREE" status --porcelain --untracked-files=no)" ]; then
    [ -n "$quiet" ] || msg "build/qemu has uncommitted changes: commit and export them"
    exit 1
fi
[ -n "$quiet" ] || msg "patches/ matches build/qemu"
