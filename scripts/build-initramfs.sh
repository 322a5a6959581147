#!/bin/bash
# Build the main job's initramfs (build/guest/initrd.cpio.gz): busybox-static,
# scripts/guest/init and the kernel modules of GUEST_MODULES (guest.conf)
# with their dependencies, decompressed, in load order (/modules.order).
# Needs scripts/fetch-guest.sh first.
. "$(dirname "$0")/lib.sh"
# shellcheck source=../guest.conf
. "$TOP/guest.conf"

out=$BUILD_DIR/guest
kmod=$out/pkg/lib/modules/$GUEST_KRELEASE
[ -d "$kmod" ] || die "no extracted guest kernel; run scripts/fetch-guest.sh"
busybox=/bin/busybox
[ -x "$busybox" ] || die "no $busybox (package busybox-static)"

root=$out/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
cp "$busybox" "$root/bin/busybox"
for a in $("$busybox" --list); do
    [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
install -m 755 "$TOP/scripts/guest/init" "$root/init"

# Module name -> file; names compare with '-' and '_' alike.
declare -A path
while IFS= read -r f; do
    n=$(basename "$f"); n=${n%.ko*}; path[${n//-/_}]=$f
done < <(cd "$kmod" && find kernel -name '*.ko' -o -name '*.ko.xz')

modinfo_depends() { # file: the modules it needs (from its .modinfo)
    local f=$kmod/$1
    case $f in
    *.xz) xz -dc "$f" ;;
    *)    cat "$f" ;;
    esac | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}

declare -A seen
order=()
add() { # name: its dependencies first, then itself
    local n=${1//-/_} d
    [ -n "${seen[$n]:-}" ] && return 0
    seen[$n]=1
    [ -n "${path[$n]:-}" ] || die "module $1 is not in $GUEST_KPKG (built in?)"
    for d in $(modinfo_depends "${path[$n]}"); do add "$d"; done
    order+=("$n")
}
for m in $GUEST_MODULES; do add "$m"; done

: > "$root/modules.order"
for n in "${order[@]}"; do
    f=$kmod/${path[$n]}
    # busybox insmod does not read xz: store the modules uncompressed.
    case $f in
    *.xz) xz -dc "$f" > "$root/lib/modules/$n.ko" ;;
    *)    cp "$f" "$root/lib/modules/$n.ko" ;;
    esac
    echo "$n" >> "$root/modules.order"
done

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
    cpio --null -o -H newc --quiet --owner=0:0) | gzip -9n > "$out/initrd.cpio.gz"
msg "initramfs: ${out#"$TOP"/}/initrd.cpio.gz (modules: ${order[*]})"
