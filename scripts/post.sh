#!/bin/bash
# Produce the series for posting to qemu-devel: numbered patches with the
# cover letter filled from patches/cover-letter (first line: subject; rest:
# body), in build/outgoing/.  Send with `git send-email build/outgoing/*`.
#   post.sh [-v N] [--rfc]
. "$(dirname "$0")/lib.sh"

bash "$TOP/scripts/check-exported.sh" || die "export the tree first"
args=()
prefix=PATCH
while [ $# -gt 0 ]; do
    case $1 in
    -v) args+=(-v "$2"); shift ;;
    --rfc) prefix="RFC PATCH" ;;
    *) die "usage: post.sh [-v N] [--rfc]" ;;
    esac
    shift
done
out=$BUILD_DIR/outgoing
rm -rf "$out"
git -C "$QEMU_TREE" format-patch -q --cover-letter --numbered --no-signature \
    --subject-prefix="$prefix" "${args[@]}" -o "$out" "$BASE_TAG..HEAD"
cover=$(ls "$out"/*0000-cover-letter.patch)
subject=$(head -1 "$PATCH_DIR/cover-letter")
tail -n +3 "$PATCH_DIR/cover-letter" > "$out/.blurb"
SUBJECT=$subject perl -0pi -e 's/\*\*\* SUBJECT HERE \*\*\*/$ENV{SUBJECT}/' "$cover"
perl -0pi -e 'BEGIN { local $/; open F, "<", shift; $b = <F>; close F }
              s/\*\*\* BLURB HERE \*\*\*\n/$b/' "$out/.blurb" "$cover"
rm "$out/.blurb"
msg "series for posting in ${out#$TOP/}/"
ls -1 "$out"
