#!/bin/bash
# The main job: build what is missing, then run qemu-system-x86_64 (q35,
# TCG) with an Intel IOMMU in scalable mode and print a short report.
# A later part of the series turns this into a Linux guest whose devices
# DMA through the nested path.
. "$(dirname "$0")/lib.sh"

bash "$TOP/scripts/deps.sh"
bash "$TOP/scripts/assemble.sh"
bash "$TOP/scripts/build.sh" qemu-system-x86_64 >/dev/null

out=$BUILD_DIR/demo
mkdir -p "$out"
rm -f "$out"/*.log

QEMU_ARGS=(
    -M q35 -accel tcg -m 512 -nodefaults -display none
    -device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on
    -chardev "file,id=fw,path=$out/firmware.log"
    -device isa-debugcon,iobase=0x402,chardev=fw
    -monitor stdio
)
# Let the firmware run, then ask the monitor about the IOMMU and stop.
{ sleep 4; echo "info qtree"; echo "info mtree -f"; echo quit; } |
    timeout 60 "$QEMU_BIN" "${QEMU_ARGS[@]}" > "$out/monitor.log" 2> "$out/stderr.log" ||
    { cat "$out/stderr.log" >&2; die "QEMU failed; see build/demo/"; }

qtree_iommu=$(awk '/dev: intel-iommu/ { f = 1 } f && /^ *dev: / && !/intel-iommu/ { f = 0 } f' "$out/monitor.log")
sm=$(printf '%s\n' "$qtree_iommu" | awk '/x-scalable-mode/ { print $3 }' | tr -d '\r')
flts=$(printf '%s\n' "$qtree_iommu" | awk '/x-flts/ { print $3 }' | tr -d '\r')
fw=$(grep -m1 -a -o 'SeaBIOS (version [^)]*)' "$out/firmware.log" || true)

echo "== main job report =="
echo "command line : $(basename "$QEMU_BIN") ${QEMU_ARGS[*]}"
echo "qemu         : $("$QEMU_BIN" --version | head -1)"
echo "firmware     : ${fw:-none seen}"
echo "intel-iommu  : x-scalable-mode=${sm:-?} x-flts=${flts:-?}"
echo "logs         : ${out#$TOP/}/"
[ -n "$fw" ] || die "the firmware printed nothing"
[ "$sm" = true ] || die "intel-iommu is not in scalable mode"
[ "$flts" = true ] || die "intel-iommu has no first-stage translation"
echo "result       : OK"
