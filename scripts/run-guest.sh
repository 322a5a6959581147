#!/bin/bash
# One run of the main job's guest: Debian's kernel with the project's
# initramfs on q35 (TCG), intel-iommu in scalable mode with first-stage
# tables, a virtio-blk (in an iothread, so that its DMA is translated
# there while the main loop binds and invalidates) and an NVMe disk
# attached to the software host model (dual-stage-iommu-soft).  The guest writes and reads back random
# data with O_DIRECT; QMP then reads what the nested path did.
#   run-guest.sh strict|lazy|nest [OUTDIR]
# strict: iommu.strict=1 (every unmap invalidated at once); lazy:
# iommu.strict=0 (the guest's flush queue batches invalidations); nest:
# strict with intel-iommu's emulated nesting on (x-nest=on: the guest
# sees second-stage and nested translation offered too).
# Prints a report; exits non-zero when the data did not check out or the
# software host saw no bind, flush or translation.  Needs the QEMU build,
# scripts/fetch-guest.sh and scripts/build-initramfs.sh.
. "$(dirname "$0")/lib.sh"

mode=${1:-strict}
vtd_extra=
case $mode in
strict) strict=1 ;;
lazy)   strict=0 ;;
nest)   strict=1 vtd_extra=,x-nest=on ;;
*)      die "usage: run-guest.sh strict|lazy|nest [OUTDIR]" ;;
esac
out=${2:-$BUILD_DIR/demo/$mode}
guest=$BUILD_DIR/guest
TIMEOUT=${QN_GUEST_TIMEOUT:-240}
VDA_MIB=64 NVME_MIB=32

[ -x "$QEMU_BIN" ] || die "no $QEMU_BIN; run scripts/build.sh"
[ -f "$guest/vmlinuz" ] || die "no guest kernel; run scripts/fetch-guest.sh"
[ -f "$guest/initrd.cpio.gz" ] || die "no initramfs; run scripts/build-initramfs.sh"

mkdir -p "$out"
rm -f "$out"/console.log "$out"/qmp.json "$out"/qemu-stderr.log "$out"/qemu-status "$out"/*.img
# Unix socket paths are short: keep the socket in a private temp folder.
tmp=$(mktemp -d)
sock=$tmp/qmp.sock
qemu_pid=
cleanup() {
    if [ -n "$qemu_pid" ]; then kill "$qemu_pid" 2>/dev/null || true; fi
    rm -rf "$tmp" "$out"/*.img
}
trap cleanup EXIT
truncate -s "${VDA_MIB}M" "$out/vda.img"
truncate -s "${NVME_MIB}M" "$out/nvme.img"

# shellcheck disable=SC2054 # commas are QEMU option syntax
QEMU_ARGS=(
    -M q35 -accel tcg -m 1G -smp 1 -nodefaults -display none
    -serial "file:$out/console.log"
    -kernel "$guest/vmlinuz" -initrd "$guest/initrd.cpio.gz"
    -append "console=ttyS0 intel_iommu=on,sm_on iommu.strict=$strict panic=-1 quiet qn.vda_mib=$VDA_MIB qn.nvme_mib=$NVME_MIB"
    -device "intel-iommu,intremap=on,x-scalable-mode=on,x-flts=on,caching-mode=on$vtd_extra"
    -object iothread,id=io0
    -drive "if=none,id=d0,file=$out/vda.img,format=raw"
    -device virtio-blk-pci,id=disk0,drive=d0,iommu_platform=on,disable-legacy=on,iothread=io0
    -drive "if=none,id=d1,file=$out/nvme.img,format=raw"
    -device nvme,id=nvme0,serial=qn0,drive=d1
    -object dual-stage-iommu-soft,id=sh0,attach=disk0,attach=nvme0
    -qmp "unix:$sock,server=on,wait=off" -no-shutdown
)
for a in "$(basename "$QEMU_BIN")" "${QEMU_ARGS[@]}"; do
    case $a in *" "*) printf '"%s" ' "$a" ;; *) printf '%s ' "$a" ;; esac
done | sed "s|$TOP/||g; s|$tmp/|<tmp>/|g; s/ $//" > "$out/cmdline"

msg "guest run ($mode): booting"
start=$(date +%s)
"$QEMU_BIN" "${QEMU_ARGS[@]}" > "$out/qemu-stderr.log" 2>&1 &
qemu_pid=$!

# Wait for the guest to finish, QEMU to exit, or the time box to run out.
state=timeout
while [ $(( $(date +%s) - start )) -lt "$TIMEOUT" ]; do
    if grep -q 'QN-DONE' "$out/console.log" 2>/dev/null; then state=finished; break; fi
    if ! kill -0 "$qemu_pid" 2>/dev/null; then state=exited; break; fi
    sleep 1
done
if [ "$state" = exited ]; then
    status=0
    wait "$qemu_pid" || status=$?
    [ "$status" = 0 ] || msg "QEMU exited with status $status"
    echo "$status" > "$out/qemu-status"
    qemu_pid=
else
    [ "$state" = timeout ] && msg "guest run ($mode): no QN-DONE after ${TIMEOUT}s"
    # Read the counters whatever happened; qmp.py ends with quit.
    "$HOST_PYTHON" "$TOP/scripts/guest/qmp.py" "$sock" sh0 "$out/qmp.json" ||
        msg "QMP failed"
    for _ in $(seq 30); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$qemu_pid" 2>/dev/null; then
        kill "$qemu_pid"
    fi
    status=0
    wait "$qemu_pid" || status=$?
    [ "$status" = 0 ] || msg "QEMU exited with status $status"
    echo "$status" > "$out/qemu-status"
    qemu_pid=
fi
elapsed=$(( $(date +%s) - start ))
"$HOST_PYTHON" "$TOP/scripts/guest/report.py" "$mode" "$out" "$elapsed"
