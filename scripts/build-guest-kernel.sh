#!/bin/bash
# Build the real-kernel harness's guest kernel: the pinned source
# (realkernel.conf, scripts/fetch-kernel-source.sh) configured as
# `make tinyconfig` + scripts/realkernel/kernel.config + `make olddefconfig`,
# bzImage only, out of tree.  The result is cached as
#   $CACHE_DIR/kernel/bzImage-<package version>-<12 hex of the fragment's SHA-256>
# (with its .config next to it) and built only when missing.  Fails, naming
# them, when options the fragment sets to y did not end up in the config.
# Prints the bzImage's path on stdout.
#   build-guest-kernel.sh [--cold]
# --cold: build again in a fresh object folder even when the image exists
# (measures the cold build; the cached image is replaced).
. "$(dirname "$0")/lib.sh"
# shellcheck source=../realkernel.conf
. "$TOP/realkernel.conf"

cold=
case ${1:-} in
--cold) cold=1 ;;
'') ;;
*) die "usage: build-guest-kernel.sh [--cold]" ;;
esac

image=$(rk_kernel_image)
if [ -z "$cold" ] && [ -f "$image" ]; then
    msg "guest kernel cached: ${image/#$HOME/\~}"
    echo "$image"
    exit 0
fi

mkdir -p "$RK_CACHE"
# One build at a time (the object folder is shared between runs).
exec 9> "$RK_CACHE/.build.lock"
flock 9
if [ -z "$cold" ] && [ -f "$image" ]; then  # built while we waited
    echo "$image"
    exit 0
fi

src=$(bash "$TOP/scripts/fetch-kernel-source.sh")
# One object folder per source version; a changed fragment rebuilds in it
# incrementally.
obj=$RK_CACHE/obj-$RK_KVERSION
[ -z "$cold" ] || rm -rf "$obj"
state=incremental
[ -d "$obj" ] || state=cold
mkdir -p "$obj"
log=$obj/qn-build.log
: > "$log"
jobs=$(nproc)
kmake() { nice -n 10 make -C "$src" O="$obj" -j"$jobs" "$@" >> "$log" 2>&1; }

msg "building Linux $RK_KRELEASE ($RK_KPKG $RK_KVERSION) in ${obj/#$HOME/\~} ($state, -j$jobs, log: qn-build.log there)"
start=$(date +%s)
kmake tinyconfig || { tail -20 "$log" >&2; die "make tinyconfig failed"; }
(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$RK_FRAGMENT") >> "$log" 2>&1 ||
    { tail -20 "$log" >&2; die "merge_config.sh failed"; }
kmake olddefconfig || { tail -20 "$log" >&2; die "make olddefconfig failed"; }

# Every option the fragment sets to y must be in the final config.
missing=()
while read -r opt; do
    grep -qx "$opt=y" "$obj/.config" || missing+=("$opt")
done < <(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y[[:space:]]*$/\1/p' "$RK_FRAGMENT")
[ ${#missing[@]} -eq 0 ] ||
    die "the kernel config lacks what scripts/realkernel/kernel.config asks for: ${missing[*]}"

kmake bzImage || { tail -40 "$log" >&2; die "kernel build failed (log: $log)"; }
release=$(make -s -C "$src" O="$obj" kernelrelease 2>/dev/null)
[ "$release" = "$RK_KRELEASE" ] ||
    die "the kernel reports release '$release', realkernel.conf says $RK_KRELEASE"
elapsed=$(( $(date +%s) - start ))

cp "$obj/.config" "$image.config.tmp"
cp "$obj/arch/x86/boot/bzImage" "$image.tmp"
mv "$image.config.tmp" "$image.config"
mv "$image.tmp" "$image"
msg "guest kernel built in ${elapsed}s ($state build): ${image/#$HOME/\~}"
echo "$image"
