#!/bin/bash
# Download the pinned QEMU source package into the cache (once) and verify
# every file against base.conf.  Prints nothing but progress; exits non-zero
# on a checksum mismatch.
. "$(dirname "$0")/lib.sh"

dl=$CACHE_DIR/downloads
mkdir -p "$dl"

files=("$BASE_DSC" "$BASE_ORIG" "$BASE_DEBIAN")
sums=("$BASE_DSC_SHA256" "$BASE_ORIG_SHA256" "$BASE_DEBIAN_SHA256")

all_ok() {
    local i
    for i in 0 1 2; do sha256_ok "$dl/${files[$i]}" "${sums[$i]}" || return 1; done
}

if ! all_ok; then
    bash "$TOP/scripts/apt-sources.sh"
    msg "fetching $BASE_SOURCE $BASE_VERSION"
    if ! (cd "$dl" && apt-get source --download-only -q "$BASE_SOURCE=$BASE_VERSION" >/dev/null 2>&1); then
        # The index moved on: take the same files from the pool.
        mirror=$(apt_mirror)
        msg "$BASE_VERSION is no longer in the $BASE_SUITE index; using the pool"
        for f in "${files[@]}"; do
            curl -fsSL --retry 3 -o "$dl/$f.part" "$mirror/$BASE_POOL/$f" ||
                die "cannot download $f from the mirror's pool"
            mv "$dl/$f.part" "$dl/$f"
        done
    fi
fi
for i in 0 1 2; do
    sha256_ok "$dl/${files[$i]}" "${sums[$i]}" ||
        die "${files[$i]}: SHA-256 does not match base.conf"
done
msg "base verified: ${files[*]}"
