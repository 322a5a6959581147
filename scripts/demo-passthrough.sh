#!/bin/bash
# The passthrough path against a real kernel, as a demo: builds what is
# missing, runs the real-kernel harness in nest mode (scripts/run-realkernel.sh)
# with the inner QEMUs' iommufd and vfio trace events on, and reports the
# outer and inner command lines, the guest kernel, what the inner QEMU bound
# (the comment lines of the program's TAP), the data it verified (the TAP
# results) and the kernel calls it made, counted per ioctl.  Exits non-zero
# when the run failed.
#   demo-passthrough.sh [--no-build]
# --no-build: use the QEMU build as it is (no deps, assemble or build step).
. "$(dirname "$0")/lib.sh"
# shellcheck source=../realkernel.conf
. "$TOP/realkernel.conf"

case ${1:-} in
--no-build) nobuild=1 ;;
'') nobuild= ;;
*) die "usage: demo-passthrough.sh [--no-build]" ;;
esac

if [ -z "$nobuild" ]; then
    bash "$TOP/scripts/deps.sh"
    bash "$TOP/scripts/assemble.sh"
    bash "$TOP/scripts/build.sh" qemu-system-x86_64 tests/qtest/vtd-real-kernel-test >/dev/null
fi
bash "$TOP/scripts/build-guest-kernel.sh" >/dev/null

out=$BUILD_DIR/realkernel/demo-nest
# Every event of the inner QEMU that stands for a call into the guest
# kernel's iommufd or vfio (backends/trace-events, hw/vfio/trace-events),
# and the nesting object's own events.
events="iommufd_backend_* iommufd_change_process iommufd_cdev_* ds_iommufd_*"
status=0
QN_RK_TRACE=$events bash "$TOP/scripts/run-realkernel.sh" "$out" > "$out.log" 2>&1 || status=$?
s=$out/share
rel() { sed "s|$TOP/||g"; }

echo "== vfio-pci nesting against a real kernel (nest) =="
echo
echo "-- outer QEMU (TCG; the guest kernel's IOMMU is this intel-iommu) --"
if [ -f "$out/cmdline" ]; then cat "$out/cmdline"; else echo "(none: see ${out#"$TOP"/}.log)"; fi
echo
echo "-- guest kernel --"
echo "Linux $(cat "$s/uname-r" 2>/dev/null || echo '(no report)') ($RK_KPKG $RK_KVERSION, tinyconfig + scripts/realkernel/kernel.config)"
grep -o 'DMAR: dmar0: .*' "$s/dmar.log" 2>/dev/null | head -1 || true
[ ! -f "$s/setup.log" ] || sed 's/^/  /' "$s/setup.log"
echo
echo "-- inner program --"
if [ -f "$s/program.env" ]; then
    rel < "$s/program.env" | sed 's/^/  /'
    echo "  $(rel < "$s/program.cmd")"
else
    echo "  (not run)"
fi
echo
echo "-- inner QEMU command lines (libqtest's 'starting QEMU' lines) --"
{ grep '^# starting QEMU: ' "$s/program.tap" 2>/dev/null || true; } |
    sed 's/^# starting QEMU: //; s/^exec //' | rel | sort | uniq -c |
    sed 's/^ *\([0-9]*\) /  (x\1) /'
echo
echo "-- what the inner QEMU bound and said (TAP comments) --"
{ grep '^#' "$s/program.tap" 2>/dev/null || true; } |
    grep -v -e '^# starting QEMU: ' -e '^# Start of ' -e '^# End of ' -e '^# random seed: ' |
    grep -v '^#[[:space:]]*$' | rel | sed 's/^# /  /'
echo
echo "-- data verified (TAP results) --"
{ grep -E '^(not )?ok ' "$s/program.tap" 2>/dev/null || true; } | sed 's/^/  /'
echo
echo "-- calls into the guest kernel by the inner QEMUs (trace: $events) --"
if ! ls "$s"/trace/*.log >/dev/null 2>&1; then
    echo "  (no trace)"
else
    n=$(ls "$s"/trace/*.log | wc -l)
    # The log backend writes "[pid@time:]event args ... (ret)".
    cat "$s"/trace/*.log | awk -v procs="$n" '
        BEGIN {
            # trace event -> the call it records
            split("iommufd_backend_connect=open /dev/iommu;" \
                  "iommufd_backend_disconnect=close /dev/iommu;" \
                  "iommufd_change_process=IOMMU_IOAS_CHANGE_PROCESS;" \
                  "iommufd_backend_alloc_ioas=IOMMU_IOAS_ALLOC;" \
                  "iommufd_backend_map_dma=IOMMU_IOAS_MAP;" \
                  "iommufd_backend_map_file_dma=IOMMU_IOAS_MAP_FILE;" \
                  "iommufd_backend_unmap_dma=IOMMU_IOAS_UNMAP;" \
                  "iommufd_backend_unmap_dma_non_exist=IOMMU_IOAS_UNMAP;" \
                  "iommufd_backend_alloc_hwpt=IOMMU_HWPT_ALLOC;" \
                  "iommufd_backend_alloc_fault_queue=IOMMU_FAULT_QUEUE_ALLOC;" \
                  "iommufd_backend_free_id=IOMMU_DESTROY;" \
                  "iommufd_backend_set_dirty=IOMMU_HWPT_SET_DIRTY_TRACKING;" \
                  "iommufd_backend_get_dirty_bitmap=IOMMU_HWPT_GET_DIRTY_BITMAP;" \
                  "iommufd_backend_invalidate_cache=IOMMU_HWPT_INVALIDATE;" \
                  "ds_iommufd_hw_info=IOMMU_GET_HW_INFO;" \
                  "iommufd_cdev_getfd=open /dev/vfio/devices/vfioN;" \
                  "iommufd_cdev_device_info=VFIO_DEVICE_GET_INFO;" \
                  "iommufd_cdev_connect_and_bind=VFIO_DEVICE_BIND_IOMMUFD;" \
                  "iommufd_cdev_attach_ioas_hwpt=VFIO_DEVICE_ATTACH_IOMMUFD_PT;" \
                  "iommufd_cdev_detach_ioas_hwpt=VFIO_DEVICE_DETACH_IOMMUFD_PT;" \
                  "ds_iommufd_attach_pt=VFIO_DEVICE_ATTACH_IOMMUFD_PT;" \
                  "ds_iommufd_detach_pasid=VFIO_DEVICE_DETACH_IOMMUFD_PT;" \
                  "ds_iommufd_page_response=write(fault fd): page response",
                  pairs, ";")
            for (k in pairs) {
                eq = index(pairs[k], "=")
                name[substr(pairs[k], 1, eq - 1)] = substr(pairs[k], eq + 1)
            }
        }
        function call(e, l) {
            if (e == "ds_iommufd_attach_pt" && l ~ /with_pasid=1/)
                return name[e] " (PASID)"
            return (e in name) ? name[e] : ""
        }
        {
            l = $0
            sub(/^[0-9]+@[0-9.]+:/, "", l)
            split(l, w, /[ \t]+/)
            e = w[1]
            if (e !~ /^[a-z_0-9]+$/) next
            c = call(e, l)
            if (c == "") { ev[e]++; next }
            n[c]++
            # The return value or errno ends the line as "(N)".
            if (match(l, /\(-?[0-9]+\)[ \t]*$/)) {
                r = substr(l, RSTART + 1, RLENGTH - 2) + 0
                if (r != 0) bad[c]++
            }
        }
        END {
            printf "  %-42s %6s %7s\n", "call", "count", "failed"
            for (c in n) printf "  %-42s %6d %7d\n", c, n[c], bad[c] + 0 | "sort"
            close("sort")
            printf "  (%d inner QEMU processes.  vfio traces VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_GET_INFO and its\n", procs
            print "  own ATTACH/DETACH only when they succeed; IOMMU_GET_HW_INFO is seen by the nesting object only)"
            if (length(ev)) {
                print ""
                print "  dual-stage-iommufd and vfio events:"
                for (e in ev) printf "  %-42s %6d\n", e, ev[e] | "sort"
                close("sort")
            }
        }'
fi
echo
echo "-- result --"
grep -E '^(PASS|FAIL|SKIP)  real kernel: ' "$out.log" | rel || true
echo "$(cat "$out/result" 2>/dev/null || echo 'no result'); logs in ${out#"$TOP"/}/ and ${out#"$TOP"/}.log"
[ "$status" = 0 ] || die "the real-kernel run failed (see ${out#"$TOP"/}.log)"
