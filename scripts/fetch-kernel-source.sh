#!/bin/bash
# Download the real-kernel harness's pinned kernel source package
# (realkernel.conf) into the cache once, verify its SHA-256, and unpack the
# source once.  The package is in trixie-backports: apt reads that suite's
# index through a private list and state folder under the cache, so the
# machine's apt sources stay as they are.  When the index no longer lists
# the version, the same file is taken from the mirror's pool.
# Prints the source folder on stdout.
. "$(dirname "$0")/lib.sh"
# shellcheck source=../realkernel.conf
. "$TOP/realkernel.conf"

deb=$RK_CACHE/$RK_KDEB
src=$RK_CACHE/src-$RK_KVERSION
mkdir -p "$RK_CACHE"

apt_download() { # private apt state: only RK_SUITE, written at run time
    local d=$RK_CACHE/apt o
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
    printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
        "$(apt_mirror)" "$RK_SUITE" > "$d/sources.list"
    o=(-o "Dir::Etc::SourceList=$d/sources.list" -o Dir::Etc::SourceParts=/dev/null
       -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache" -q)
    apt-get "${o[@]}" update > "$d/update.log" 2>&1 || return 1
    (cd "$RK_CACHE" && apt-get "${o[@]}" download "$RK_KPKG=$RK_KVERSION") > "$d/download.log" 2>&1
}

pool_download() { # with whichever of curl and wget the machine has
    local url
    url=$(apt_mirror)/$RK_KPOOL/$RK_KDEB
    if command -v curl >/dev/null; then
        curl -fsSL --retry 3 -o "$deb.part" "$url"
    elif command -v wget >/dev/null; then
        wget -q --tries=3 -O "$deb.part" "$url"
    else
        die "neither curl nor wget: cannot download $RK_KDEB from the pool"
    fi && mv "$deb.part" "$deb"
}

if ! sha256_ok "$deb" "$RK_KDEB_SHA256"; then
    msg "fetching $RK_KPKG $RK_KVERSION ($RK_SUITE)"
    rm -f "$deb" "$deb.part"
    if ! apt_download; then
        msg "$RK_KVERSION is not in the $RK_SUITE index (see ${RK_CACHE}/apt/*.log); using the pool"
        pool_download || die "cannot download $RK_KDEB from the mirror's pool"
    fi
fi
sha256_ok "$deb" "$RK_KDEB_SHA256" || die "$RK_KDEB: SHA-256 does not match realkernel.conf"

# Unpack once per package (the stamp names the checksum).
stamp=$src/.qn-unpacked
if [ "$(cat "$stamp" 2>/dev/null)" != "$RK_KDEB_SHA256" ]; then
    msg "unpacking $RK_KTARBALL from $RK_KDEB"
    rm -rf "$src" "$src.tmp"
    mkdir -p "$src.tmp"
    dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$RK_KTARBALL" | tar -xJ -C "$src.tmp" ||
        die "cannot unpack $RK_KTARBALL from $RK_KDEB"
    [ -f "$src.tmp/$RK_KSRCDIR/Makefile" ] || die "$RK_KTARBALL holds no $RK_KSRCDIR/Makefile"
    mv "$src.tmp" "$src"
    echo "$RK_KDEB_SHA256" > "$stamp"
fi
msg "kernel source verified: $RK_KPKG $RK_KVERSION"
echo "$src/$RK_KSRCDIR"
