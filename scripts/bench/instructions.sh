#!/bin/bash
# make bench-instructions: make bench's qtest-driven rows counted in
# instructions by callgrind instead of timed.  Counts are deterministic, so
# one run compares two builds where timings on a shared 2-core machine vary
# by 20-30% between runs.  QEMU runs under valgrind --tool=callgrind, which
# collects only inside the function each row names (--toggle-collect);
# scripts/bench/callgrind.py reads its calls and inclusive counts.
#   instructions.sh [BASELINE_QEMU]
# QN_BENCH_REPS: the bench cases' repetitions (5).
# BASELINE_QEMU: another qemu-system-x86_64 (say, a copy of the build
# before a change); each row is then counted for it too, and the table
# gives this build against it.
# Results: build/bench/instructions.txt (one count per line) and
# build/bench/instructions-table.txt.
. "$(dirname "$0")/../lib.sh"

BASELINE=${1:-}
# Repetitions of each case: more spread its set-up over more operations.
REPS=${QN_BENCH_REPS:-5}
OUT=$BUILD_DIR/bench/instructions
RESULTS=$BUILD_DIR/bench/instructions.txt
CG="$HOST_PYTHON $TOP/scripts/bench/callgrind.py"
start=$(date +%s)

command -v valgrind > /dev/null ||
    die "valgrind is missing: run 'make deps' (or apt-get install valgrind)"
[ -z "$BASELINE" ] || [ -x "$BASELINE" ] || die "$BASELINE: not an executable"
BASELINE=${BASELINE:+$(realpath "$BASELINE")}
bash "$TOP/scripts/build.sh" qemu-system-x86_64 tests/qtest/vtd-nested-test >&2
mkdir -p "$OUT"
echo "# make bench-instructions $(date -u +%Y-%m-%dT%H:%MZ)${BASELINE:+ baseline=$BASELINE}" > "$RESULTS"

# run BUILD CASE TOGGLE... : one bench case with QEMU under callgrind,
# collecting inside the TOGGLE functions; output files $OUT/BUILD-CASE.PID
run() {
    local build=$1 case=$2 bin toggles=() f
    shift 2
    bin=$QEMU_BIN
    [ "$build" = baseline ] && bin=$BASELINE
    for f in "$@"; do
        toggles+=("--toggle-collect=$f")
    done
    rm -f "$OUT/$build-$case".*
    msg "bench-instructions: $case ($build)"
    # The pasid-cache case dumps after each sync: the first one binds.
    env -C "$QEMU_BUILD" QTEST_VTD_BENCH="$REPS" \
        QTEST_QEMU_BINARY="valgrind -q --tool=callgrind --compress-strings=no --compress-pos=no --collect-atstart=no ${toggles[*]} ${DUMP:+--dump-after=$DUMP} --callgrind-out-file=$OUT/$build-$case.%p $bin" \
        tests/qtest/vtd-nested-test -p "/x86_64/vtd-nested/bench/$case" \
        > "$OUT/$build-$case.log" 2>&1 ||
        { echo "# error: $case ($build) failed (log: ${OUT#$TOP/}/$build-$case.log)" >> "$RESULTS"; return 1; }
}

# count BUILD ROW CONFIG FILE FUNCTION [COUNT_FUNCTION]: instructions per
# call of FUNCTION, or per call of COUNT_FUNCTION (counted inside it)
count() {
    local build=$1 row=$2 cfg=$3 file=$4 fn=$5 per=${6:-$5}
    $CG "$file" "$fn" "$per" | awk -v b="$build" -v r="$row" -v c="$cfg" \
        -v fn="$fn" -v per="$per" '
        $1 == fn { ir = $3 } $1 == per { n = $2 }
        END { if (n) printf "%s %s %s %.0f %d\n", b, r, c, ir / n, n;
              else printf "# error: %s %s %s: no call of %s\n", b, r, c, per }'
}

# file BUILD CASE PATTERN: the output file whose QEMU command line has
# PATTERN (or does not, with !PATTERN)
file() {
    local f
    for f in "$OUT/$1-$2".[0-9]*; do
        case $3 in
        !*) grep -q -- "^cmd:.*${3#!}" "$f" || { echo "$f"; return; } ;;
        *)  grep -q -- "^cmd:.*$3" "$f" && { echo "$f"; return; } ;;
        esac
    done
}

builds=(current)
[ -n "$BASELINE" ] && builds+=(baseline)
for b in "${builds[@]}"; do
    # DMA translation: per call of VT-d's translate callback
    run "$b" translation vtd_iommu_translate &&
        for cfg in nested emulated; do
            pat=attach=ppt0
            [ $cfg = emulated ] && pat=!attach=ppt0
            count "$b" tr $cfg "$(file "$b" translation "$pat")" \
                vtd_iommu_translate >> "$RESULTS"
        done
    # Invalidation queue: per page-selective PASID-IOTLB descriptor, the
    # batch's wait descriptor and the host model's flush included; of
    # consecutive pages, and of pages apart
    for c in invalidation:inv invalidation-scattered:inv-scattered; do
        run "$b" "${c%:*}" vtd_fetch_inv_desc &&
            for cfg in nested emulated; do
                pat=host=sh0
                [ $cfg = emulated ] && pat=!host=sh0
                count "$b" "${c#*:}" $cfg "$(file "$b" "${c%:*}" "$pat")" \
                    vtd_fetch_inv_desc vtd_piotlb_page_invalidate >> "$RESULTS"
            done
    done
    # Page requests: the host model's request into VT-d's queue, and the
    # guest's response from VT-d to the host model and the device
    run "$b" page-request iommu_context_page_request \
        iommu_context_page_response && {
        f=$(file "$b" page-request host=sh0)
        count "$b" pr request "$f" iommu_context_page_request >> "$RESULTS"
        count "$b" pr response "$f" iommu_context_page_response >> "$RESULTS"
    }
    # Global PASID-cache invalidation: one QEMU per number of bound
    # PASIDs, started in that order; the last sync of each (the first
    # one binds)
    DUMP=vtd_ctx_sync_all run "$b" pasid-cache vtd_ctx_sync_all && {
        n=0
        for pid in $(ls "$OUT/$b-pasid-cache".*.* 2>/dev/null |
                     sed 's/.*pasid-cache\.\([0-9]*\)\..*/\1/' | sort -nu); do
            pasids=$(echo 16 32 64 128 256 | cut -d' ' -f$((n + 1)))
            # The dumps in order; the one at exit collected nothing.
            for d in $(ls "$OUT/$b-pasid-cache.$pid".* | sort -t. -k3 -n); do
                awk '/^totals:/ && $2 > 0 { print $2 }' "$d"
            done | tail -1 |
                awk -v b="$b" -v p="$pasids" '{ print b, "pasidc", p, $1, 1 }' \
                >> "$RESULTS"
            n=$((n + 1))
        done
    }
done

echo "# took $(( $(date +%s) - start )) s" >> "$RESULTS"
"$HOST_PYTHON" "$TOP/scripts/bench/instructions-report.py" "$RESULTS" |
    tee "$BUILD_DIR/bench/instructions-table.txt"
