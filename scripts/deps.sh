#!/bin/bash
# Install every build and test dependency with apt-get.  Idempotent: a
# second run installs nothing and does not touch the network once the
# packages are present.
. "$(dirname "$0")/lib.sh"

# From bookworm proper.
PKGS=(
    build-essential ccache git dpkg-dev xz-utils ca-certificates curl
    ninja-build pkg-config python3 python3-venv python3-setuptools
    libglib2.0-dev libpixman-1-dev zlib1g-dev libslirp-dev libfdt-dev
    flex bison perl
    # firmware QEMU loads from its build tree (linked into qemu-bundle)
    seabios ipxe-qemu qemu-system-data
    # docs build (checks the rst of the series)
    python3-sphinx python3-sphinx-rtd-theme
    # guest image for the main job
    busybox-static cpio
    # the real-kernel harness's guest kernel (scripts/build-guest-kernel.sh)
    libelf-dev bc
    # make bench-instructions counts instructions with callgrind
    valgrind
)
# From bookworm-backports: QEMU 10.2 needs meson >= 1.5, and its test
# harness needs pycotap (Debian strips QEMU's bundled wheels).
BPO_PKGS=(meson python3-pycotap)

missing() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
            echo "$p"
    done
}

meson_new_enough() {
    local v
    v=$(dpkg-query -W -f='${Version}' meson 2>/dev/null) || return 1
    dpkg --compare-versions "$v" ge 1.5
}

need=$(missing "${PKGS[@]}")
need_bpo=$(missing "${BPO_PKGS[@]}")
meson_new_enough || need_bpo="$need_bpo meson"
if [ -z "$need$need_bpo" ]; then
    msg "dependencies already installed"
    exit 0
fi
bash "$TOP/scripts/apt-sources.sh"
export DEBIAN_FRONTEND=noninteractive
if [ -n "$need" ]; then
    msg "installing:" $need
    # shellcheck disable=SC2086
    as_root apt-get install -y -q --no-install-recommends $need
fi
if [ -n "$need_bpo" ]; then
    msg "installing from bookworm-backports:" $need_bpo
    # shellcheck disable=SC2086
    as_root apt-get install -y -q --no-install-recommends -t bookworm-backports $need_bpo
fi
