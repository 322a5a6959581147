#!/bin/bash
# The test command: set up whatever is missing, build, run every check.
# Each check is one test; programs that speak TAP (unit tests, qtests)
# count one test per test case.  Logs go to build/test-logs/.  Ends with
# "N passed, N failed[, N skipped]" and exits non-zero on any failure.
#   run-tests.sh [--quick]    --quick: skip the slow base qtests and the
#                             real-kernel runs
. "$(dirname "$0")/lib.sh"

quick=
[ "${1:-}" = --quick ] && quick=1

LOGS=$BUILD_DIR/test-logs
PASS=0 FAIL=0 SKIP=0
FAILED=()
start=$(date +%s)

record() { # status name [detail]
    case $1 in
    pass) PASS=$((PASS + 1)); printf 'PASS  %s\n' "$2" ;;
    skip) SKIP=$((SKIP + 1)); printf 'SKIP  %s%s\n' "$2" "${3:+ ($3)}" ;;
    *)    FAIL=$((FAIL + 1)); FAILED+=("$2"); printf 'FAIL  %s%s\n' "$2" "${3:+ ($3)}" ;;
    esac
}

# check NAME CMD...: one test, passes when CMD exits 0.
check() {
    local name=$1 log
    shift
    log=$LOGS/$(echo "$name" | tr -c 'A-Za-z0-9._\n-' '_').log
    if "$@" > "$log" 2>&1; then
        record pass "$name"
    else
        record fail "$name" "log: ${log#$TOP/}"
    fi
}

# tap NAME CMD...: CMD prints TAP; every test case counts.  A program that
# exits non-zero or runs no test case counts one failure more.
tap() {
    local name=$1 log rc=0 line n=0
    shift
    log=$LOGS/$(echo "$name" | tr -c 'A-Za-z0-9._\n-' '_').log
    "$@" > "$log" 2>&1 || rc=$?
    while IFS= read -r line; do
        case $line in
        "not ok "*"# TODO"*) record skip "$name: ${line#not ok }" ;;
        "not ok "*)          record fail "$name: ${line#not ok }" "log: ${log#$TOP/}"; n=$((n + 1)) ;;
        "ok "*"# SKIP"*|"ok "*"# skip"*) record skip "$name: ${line#ok }"; n=$((n + 1)) ;;
        "ok "*)              record pass "$name: ${line#ok }"; n=$((n + 1)) ;;
        esac
    done < <(grep -E '^(not )?ok ' "$log" || true)
    if [ "$rc" != 0 ]; then
        record fail "$name: exit status $rc" "log: ${log#$TOP/}"
    elif [ "$n" = 0 ]; then
        record fail "$name: ran no test case" "log: ${log#$TOP/}"
    fi
}

qtest() { # NAME [ARGS...]: a qtest program of the build tree
    local t=$1
    shift
    tap "qtest $t" env -C "$QEMU_BUILD" \
        QTEST_QEMU_BINARY=./qemu-system-x86_64 \
        QTEST_QEMU_IMG=./qemu-img \
        PYTHON="$QEMU_BUILD/pyvenv/bin/python3" \
        MALLOC_PERTURB_=$((RANDOM % 255 + 1)) \
        timeout --foreground 900 "tests/qtest/$t" --tap -k "$@"
}

# bench_instructions: scripts/bench/instructions.sh, one repetition of
# each case, succeeds and has a count in every row.
bench_instructions() {
    local table
    table=$(QN_BENCH_REPS=1 bash "$TOP/scripts/bench/instructions.sh") ||
        return 1
    printf '%s\n' "$table"
    if printf '%s\n' "$table" | grep -A100 '^---' | grep -q 'n/a'; then
        echo "a row without a count"
        return 1
    fi
}

# bench_quick: scripts/bench.sh --quick succeeds and its table has a
# figure in every row it measures.
bench_quick() {
    local table
    table=$(bash "$TOP/scripts/bench.sh" --quick) || return 1
    printf '%s\n' "$table"
    for row in 'guest 4 KiB O_DIRECT reads' 'guest 1 MiB O_DIRECT reads' \
        'QEMU CPU per page of DMA' 'QEMU CPU per PASID-IOTLB invalidation' \
        '  the same, of pages apart' \
        'QEMU CPU per DMA with a page request' '  slope (linear fit)'; do
        if ! printf '%s\n' "$table" | grep "^$row" | grep -qv 'n/a'; then
            echo "no figure in the row \"$row\""
            return 1
        fi
    done
}

# realkernel MODE: one run of scripts/run-realkernel.sh (nest or no-nest);
# each "PASS/FAIL/SKIP  real kernel: CASE (DETAIL)" line it prints counts
# as one test.  A run that fails without such a line counts one failure.
realkernel() {
    local mode=$1 log rc=0 line st rest name detail n=0
    local args=("$LOGS/realkernel-$mode")
    [ "$mode" = nest ] || args=(--no-nest "${args[@]}")
    log=$LOGS/realkernel-$mode.log
    bash "$TOP/scripts/run-realkernel.sh" "${args[@]}" > "$log" 2>&1 || rc=$?
    while IFS= read -r line; do
        st=${line%%  real kernel: *}
        rest=${line#*  real kernel: }
        name=$rest detail=
        case $rest in
        *" ("*")") name=${rest%% (*}; detail=${rest#* (}; detail=${detail%)} ;;
        esac
        case $st in
        PASS) record pass "real kernel: $name [$mode]" ;;
        SKIP) record skip "real kernel: $name [$mode]" "$detail" ;;
        *)    record fail "real kernel: $name [$mode]" "${detail:-log: ${log#"$TOP"/}}" ;;
        esac
        n=$((n + 1))
    done < <(grep -E '^(PASS|FAIL|SKIP)  real kernel: ' "$log" || true)
    if [ "$rc" != 0 ] && ! grep -q '^FAIL  real kernel: ' "$log"; then
        record fail "real kernel [$mode]: exit status $rc" "log: ${log#"$TOP"/}"
    elif [ "$n" = 0 ]; then
        record fail "real kernel [$mode]: no result" "log: ${log#"$TOP"/}"
    fi
}

# --- set-up: every step is idempotent -------------------------------------
mkdir -p "$BUILD_DIR"
rm -rf "$LOGS"
mkdir -p "$LOGS"
bash "$TOP/scripts/deps.sh"
bash "$TOP/scripts/fetch-base.sh"
bash "$TOP/scripts/assemble.sh"
bash "$TOP/scripts/fetch-guest.sh"
bash "$TOP/scripts/build-initramfs.sh"

# --- the series ------------------------------------------------------------
check "patches/ matches the assembled tree" bash "$TOP/scripts/check-exported.sh"
check "series applies with git am to the pristine 10.2.2 tree" bash "$TOP/scripts/pristine-apply.sh"
check "posting dry run: make post's patches apply, pass checkpatch, and have MAINTAINERS sections" \
    bash "$TOP/scripts/post-dry-run.sh"
mapfile -t SERIES < <(grep -v -e '^#' -e '^[[:space:]]*$' "$SERIES_FILE")
for p in "${SERIES[@]}"; do
    check "checkpatch $p" env -C "$QEMU_TREE" ./scripts/checkpatch.pl --color=never --strict --patch "$PATCH_DIR/$p"
done

# --- build -----------------------------------------------------------------
if ! bash "$TOP/scripts/build.sh" > "$LOGS/build.log" 2>&1; then
    record fail "build" "log: ${LOGS#$TOP/}/build.log"
    tail -30 "$LOGS/build.log"
else
    record pass "build qemu-system-x86_64 and the tests"

    # --- the series' own tests ---------------------------------------------
    if [ -f "$TOP/tests/unit-tests" ]; then
        while read -r t; do
            tap "unit $t" env -C "$QEMU_BUILD" timeout 600 "tests/unit/$t" --tap -k
        done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/tests/unit-tests")
    fi
    if [ -f "$TOP/tests/qtests" ]; then
        while read -r t args; do
            # shellcheck disable=SC2086
            qtest "$t" $args
        done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/tests/qtests")
    fi

    # --- the base's qtests that touch what the series changes --------------
    qtest intel-iommu-test
    qtest q35-test
    qtest ioh3420-test
    qtest i82801b11-test
    qtest device-plug-test
    if [ -z "$quick" ]; then
        qtest device-introspect-test
        # PCI core and PCI devices on q35 and pc (qos graph).
        qtest qos-test -m quick
    fi

    # --- the manual, with the series' rst (sphinx warnings are errors) ----
    check "docs build (ninja html)" ninja -C "$QEMU_BUILD" html

    # --- a Linux guest's DMA through the nested path (about 15 s each) -----
    # Console log, QMP answer and report stay in build/test-logs/guest-*/.
    for mode in strict lazy nest; do
        check "guest DMA through the nested path ($mode)" \
            bash "$TOP/scripts/run-guest.sh" "$mode" "$LOGS/guest-$mode"
    done

    # --- vfio-pci nesting against the real Linux iommufd (95 s + 20 s) ----
    # A TCG guest running Linux 7.3 (realkernel.conf; built once into the
    # cache, about 13 minutes cold) binds the test device and a NIC to
    # vfio-pci and runs tests/qtest/vtd-real-kernel-test with our QEMU
    # inside.  Logs in build/test-logs/realkernel-*/.
    if [ -z "$quick" ]; then
        klog=$LOGS/realkernel-build-kernel.log
        if bash "$TOP/scripts/build-guest-kernel.sh" > "$klog" 2>&1; then
            record pass "build the real-kernel guest's Linux (cached)"
            for mode in nest no-nest; do
                realkernel "$mode"
            done
        else
            record fail "build the real-kernel guest's Linux" "log: ${klog#"$TOP"/}"
        fi
    fi

    # --- the main job, as a smoke test -------------------------------------
    check "main job (make demo)" bash "$TOP/scripts/demo.sh"

    # --- make bench in its quick mode: it runs and prints every row --------
    # (about a minute; the figures of a quick run mean little).
    check "make bench --quick prints its table" bench_quick
    check "make bench-instructions prints its table" bench_instructions
fi

elapsed=$(( $(date +%s) - start ))
echo
if [ ${#FAILED[@]} -gt 0 ]; then
    echo "Failed:"
    printf '  %s\n' "${FAILED[@]}"
fi
echo "test command took ${elapsed}s; logs in ${LOGS#$TOP/}/"
if [ "$SKIP" -gt 0 ]; then
    echo "$PASS passed, $FAIL failed, $SKIP skipped"
else
    echo "$PASS passed, $FAIL failed"
fi
[ "$FAIL" = 0 ]
