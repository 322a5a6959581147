#!/bin/bash
# make bench: one table of ratios, each between two configurations measured
# in the same run with interleaved repetitions (scripts/bench/report.py
# says what each row means).  Not a test: it prints what it measured.
#   bench.sh [--quick]
# --quick: one repetition and small sizes, and the real-kernel row from the
# test command's last real-kernel run, if any; the test command runs it to
# check that the table comes out.
# Environment:
#   QN_BENCH_REPS       repetitions of each configuration (5; quick: 1)
#   QN_BENCH_GUEST_MIB  MiB each guest reads in 4 KiB requests, 8 times as
#                       many in 1 MiB requests (64; quick: 2)
#   QN_BENCH_RK_RUNS    real-kernel runs (1; quick: 0)
#   QN_BENCH_BASELINE   another qemu-system-x86_64 (say, a copy of the
#                       build before a change): the guest's nested
#                       configuration (interleaved with the others) and each
#                       qtest-driven case (right after this build's) are
#                       measured with it too, and compared with this build
# Results: build/bench/results.txt (one measurement per line) and
# build/bench/table.txt.
. "$(dirname "$0")/lib.sh"

quick=
[ "${1:-}" = --quick ] && quick=1
REPS=${QN_BENCH_REPS:-$([ -n "$quick" ] && echo 1 || echo 5)}
MIB=${QN_BENCH_GUEST_MIB:-$([ -n "$quick" ] && echo 2 || echo 64)}
RK_RUNS=${QN_BENCH_RK_RUNS:-$([ -n "$quick" ] && echo 0 || echo 1)}
BASELINE=${QN_BENCH_BASELINE:-}
if [ -n "$BASELINE" ]; then
    [ -x "$BASELINE" ] || die "QN_BENCH_BASELINE=$BASELINE: not an executable"
    BASELINE=$(realpath "$BASELINE")
fi
OUT=$BUILD_DIR/bench
RESULTS=$OUT/results.txt
guest=$BUILD_DIR/guest
start=$(date +%s)

bash "$TOP/scripts/build.sh" qemu-system-x86_64 tests/qtest/vtd-nested-test >&2
[ -f "$guest/vmlinuz" ] || bash "$TOP/scripts/fetch-guest.sh" >&2
if [ ! -f "$guest/initrd.cpio.gz" ] ||
    [ "$TOP/scripts/guest/init" -nt "$guest/initrd.cpio.gz" ]; then
    bash "$TOP/scripts/build-initramfs.sh" >&2
fi
mkdir -p "$OUT"
rm -f "$OUT"/*.log
{
    echo "# make bench $(date -u +%Y-%m-%dT%H:%MZ) reps=$REPS guest_mib=$MIB rk_runs=$RK_RUNS${quick:+ quick}${BASELINE:+ baseline=$BASELINE}"
    echo "# host: $(nproc) CPUs, $(uname -r)"
} > "$RESULTS"

# --- qtest-driven rows: QEMU's CPU time -------------------------------------
# qtest_run CASE BINARY SUFFIX: one bench case; SUFFIX marks the baseline's
# configurations ("nested@baseline").
qtest_run() {
    local b=$1 bin=$2 sfx=$3 log=$OUT/qtest-$1$3.log
    if ! env -C "$QEMU_BUILD" QTEST_QEMU_BINARY="$bin" \
        QTEST_VTD_BENCH="$REPS" tests/qtest/vtd-nested-test \
        -p "/x86_64/vtd-nested/bench/$b" > "$log" 2>&1; then
        echo "# error: bench $b$sfx failed (log: ${log#$TOP/})" >> "$RESULTS"
        msg "bench: $b$sfx failed; see ${log#$TOP/}"
    fi
    sed -n 's/^# QN-BENCH //p' "$log" |
        awk -v s="$sfx" '{ if (s != "" && $1 != "pasidc") $2 = $2 s;
                           else if (s != "") $1 = $1 s; print }' >> "$RESULTS"
}
for b in translation invalidation invalidation-scattered page-request pasid-cache; do
    msg "bench: $b ($REPS repetitions)"
    qtest_run "$b" ./qemu-system-x86_64 ""
    if [ -n "$BASELINE" ]; then
        qtest_run "$b" "$BASELINE" @baseline
    fi
done

# --- Linux guest DMA: virtio-blk O_DIRECT reads -----------------------------
# guest_run CONFIG: boot the main job's guest with qn.bench and record the
# seconds of each read size.
guest_run() {
    local cfg=$1 dir=$OUT/guest-$1 args bin=$QEMU_BIN
    mkdir -p "$dir"
    truncate -s "$((MIB * 8))M" "$dir/vda.img"
    # shellcheck disable=SC2054 # commas are QEMU option syntax
    args=(-M q35 -accel tcg -m 512M -smp 1 -nodefaults -display none
          -serial "file:$dir/console.log"
          -kernel "$guest/vmlinuz" -initrd "$guest/initrd.cpio.gz"
          -append "console=ttyS0 intel_iommu=on,sm_on panic=-1 quiet qn.bench=$MIB"
          -object iothread,id=io0
          -drive "if=none,id=d0,file=$dir/vda.img,format=raw"
          -device virtio-blk-pci,id=disk0,drive=d0,iommu_platform=on,disable-legacy=on,iothread=io0)
    case $cfg in
    none) ;;
    emulated)
        args+=(-device intel-iommu,intremap=on,x-scalable-mode=on,x-flts=on,caching-mode=on) ;;
    nested|nested@baseline)
        [ "$cfg" = nested@baseline ] && bin=$BASELINE
        args+=(-device intel-iommu,intremap=on,x-scalable-mode=on,x-flts=on,caching-mode=on
               -object dual-stage-iommu-soft,id=sh0,attach=disk0) ;;
    esac
    rm -f "$dir/console.log"
    timeout 600 "$bin" "${args[@]}" > "$dir/qemu-stderr.log" 2>&1 < /dev/null ||
        echo "# error: guest $cfg: QEMU exited with $?" >> "$RESULTS"
    tr -d '\r' < "$dir/console.log" | awk -v cfg="$cfg" '
        /^QN-BENCH-READ / { printf "guest-%s %s %.2f\n", $2, cfg, $4 - $3 }
        /^QN-BENCH-ERROR/ { print "# error: guest " cfg ": " $0 }' >> "$RESULTS"
    rm -f "$dir/vda.img"
}
for r in $(seq "$REPS"); do
    for cfg in none emulated nested ${BASELINE:+nested@baseline}; do
        msg "bench: guest DMA, $cfg ($r/$REPS)"
        guest_run "$cfg"
    done
done

# --- real kernel: shadowing against nesting ---------------------------------
rk_record() { # program.tap: "rk MODE OPS N CALL N CALL US" lines
    sed -n 's/^# \(shadowing\|nesting\)\(, batched\)\{0,1\}: \([0-9]*\) ops, \(.*\) us$/rk \1\2 \3 \4/p' "$1" |
        sed 's/, batched/-batched/; s/, / /g' >> "$RESULTS"
}
if [ "$RK_RUNS" -gt 0 ]; then
    for r in $(seq "$RK_RUNS"); do
        msg "bench: real kernel ($r/$RK_RUNS)"
        if bash "$TOP/scripts/run-realkernel.sh" "$OUT/realkernel" > "$OUT/realkernel.log" 2>&1 ||
            [ -f "$OUT/realkernel/share/program.tap" ]; then
            rk_record "$OUT/realkernel/share/program.tap"
        else
            echo "# error: real-kernel run failed (log: build/bench/realkernel.log)" >> "$RESULTS"
        fi
    done
elif [ -f "$BUILD_DIR/test-logs/realkernel-nest/share/program.tap" ]; then
    echo "# real kernel: from the test command's last run" >> "$RESULTS"
    rk_record "$BUILD_DIR/test-logs/realkernel-nest/share/program.tap"
fi

echo "# took $(( $(date +%s) - start )) s" >> "$RESULTS"
"$HOST_PYTHON" "$TOP/scripts/bench/report.py" "$RESULTS" | tee "$OUT/table.txt"
