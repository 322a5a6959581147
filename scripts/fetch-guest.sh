#!/bin/bash
# Download the pinned guest kernel package (guest.conf) into the cache
# (once), verify its SHA-256, and extract it into build/guest/pkg.
. "$(dirname "$0")/lib.sh"
# shellcheck source=../guest.conf
. "$TOP/guest.conf"

dl=$CACHE_DIR/downloads
deb=$dl/$GUEST_KDEB
out=$BUILD_DIR/guest
mkdir -p "$dl" "$out"

if ! sha256_ok "$deb" "$GUEST_KDEB_SHA256"; then
    bash "$TOP/scripts/apt-sources.sh"
    msg "fetching $GUEST_KPKG $GUEST_KVERSION"
    rm -f "$deb"
    if ! (cd "$dl" && apt-get download -q "$GUEST_KPKG=$GUEST_KVERSION" >/dev/null 2>&1); then
        # The index moved on: take the same file from the pool.
        mirror=$(apt_mirror)
        msg "$GUEST_KVERSION is no longer in the bookworm-backports index; using the pool"
        curl -fsSL --retry 3 -o "$deb.part" "$mirror/$GUEST_KPOOL/$GUEST_KDEB" ||
            die "cannot download $GUEST_KDEB from the mirror's pool"
        mv "$deb.part" "$deb"
    fi
fi
sha256_ok "$deb" "$GUEST_KDEB_SHA256" || die "$GUEST_KDEB: SHA-256 does not match guest.conf"

# Extract once per package (the stamp names the checksum).
stamp=$out/pkg/.extracted
if [ "$(cat "$stamp" 2>/dev/null)" != "$GUEST_KDEB_SHA256" ]; then
    msg "extracting $GUEST_KDEB"
    rm -rf "$out/pkg"
    mkdir -p "$out/pkg"
    dpkg-deb -x "$deb" "$out/pkg"
    [ -f "$out/pkg/boot/vmlinuz-$GUEST_KRELEASE" ] || die "no boot/vmlinuz-$GUEST_KRELEASE in $GUEST_KDEB"
    [ -d "$out/pkg/lib/modules/$GUEST_KRELEASE" ] || die "no lib/modules/$GUEST_KRELEASE in $GUEST_KDEB"
    echo "$GUEST_KDEB_SHA256" > "$stamp"
fi
cp -f "$out/pkg/boot/vmlinuz-$GUEST_KRELEASE" "$out/vmlinuz"
msg "guest kernel verified: $GUEST_KPKG $GUEST_KVERSION"
