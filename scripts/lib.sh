# Shared settings for the project's scripts.  Source it; do not run it.
# shellcheck shell=bash

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../base.conf
. "$TOP/base.conf"

# Downloads live outside the repository so that a fresh clone on the same
# machine does not fetch them again.
CACHE_DIR=${QN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/qemu-nesting}
# Everything generated lives in the ignored build folder.
BUILD_DIR=${QN_BUILD_DIR:-$TOP/build}
# The assembled QEMU tree (a git repository: base commit + the series).
QEMU_TREE=${QN_TREE:-$BUILD_DIR/qemu}
# QEMU's own build directory inside the tree (check-sanitizers.sh uses
# another one, with its own configuration).
QEMU_BUILD=${QN_QEMU_BUILD:-$QEMU_TREE/build}
QEMU_BIN=$QEMU_BUILD/qemu-system-x86_64
# Tag of the base commit in the assembled tree.
BASE_TAG=base
PATCH_DIR=$TOP/patches
SERIES_FILE=$PATCH_DIR/series

APT_SOURCES_FILE=/etc/apt/sources.list.d/qemu-nesting.sources

# Python that sees Debian's packages (meson, pycotap, sphinx).
HOST_PYTHON=/usr/bin/python3

msg() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The mirror of Debian's main archive, as this machine's apt configuration
# names it.  Nothing in the project names a host.
apt_mirror() {
    local f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -e "$f" ] || continue
        [ "$f" = "$APT_SOURCES_FILE" ] && continue
        # deb822: the first URIs of a stanza whose Suites name bookworm.
        uri=$(awk '
            /^[[:space:]]*$/ { if (!done && u != "" && s ~ /(^| )bookworm( |$)/) { print u; done = 1 } u = ""; s = ""; next }
            /^URIs:/   { u = $2 }
            /^Suites:/ { $1 = ""; s = $0 " " }
            END { if (!done && u != "" && s ~ /(^| )bookworm( |$)/) print u }' "$f")
        if [ -n "$uri" ]; then echo "${uri%/}"; return 0; fi
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -e "$f" ] || continue
        uri=$(awk '$1 == "deb" && $0 ~ / bookworm / {
                    for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; exit } }' "$f")
        if [ -n "$uri" ]; then echo "${uri%/}"; return 0; fi
    done
    die "no Debian bookworm mirror found in the apt configuration"
}

# The real-kernel harness (scripts/run-realkernel.sh): the guest kernel's
# config fragment, and the cache of the kernel source and its builds.
RK_FRAGMENT=$TOP/scripts/realkernel/kernel.config
RK_CACHE=$CACHE_DIR/kernel
# The bzImage for realkernel.conf (sourced first) and the fragment: keyed
# by the package version and the fragment's SHA-256.
rk_kernel_image() {
    echo "$RK_CACHE/bzImage-$RK_KVERSION-$(sha256sum "$RK_FRAGMENT" | cut -c1-12)"
}

sha256_ok() { # file expected
    [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}
