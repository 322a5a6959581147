#!/bin/bash
# The series' own tests under AddressSanitizer and UndefinedBehaviorSanitizer:
# a second build of the assembled tree in build/qemu/build-san (its own
# configuration, the same ccache), then the series' unit tests, the VT-d
# qtests (vtd-nested-test with its hostile cases, vtd-emulated-nesting-test,
# intel-iommu-test, pasid-pri-testdev-test) and the main job's guest (strict)
# with the sanitized QEMU.  A test fails when it fails or when a sanitizer
# reports anything in its output (ASan aborts at its first report; UBSan's
# "runtime error" lines are counted), or when LeakSanitizer finds memory
# allocated through the series' code still unreachable at exit
# (scripts/sanitizers/leaks.py; QEMU leaves much of its own state to exit,
# so other leaks are only counted).  Ends with "N passed, N failed".
#   check-sanitizers.sh
. "$(dirname "$0")/lib.sh"

export QN_QEMU_BUILD=$QEMU_TREE/build-san
export QN_CONFIGURE_EXTRA="--enable-asan --enable-ubsan --disable-docs"
QEMU_BUILD=$QN_QEMU_BUILD
LOGS=$BUILD_DIR/sanitizer-logs
start=$SECONDS

[ -e "$QEMU_TREE/.git" ] || bash "$TOP/scripts/assemble.sh"
# The build folder is not part of the tree's history.
exclude=$(git -C "$QEMU_TREE" rev-parse --git-path info/exclude)
case $exclude in /*) ;; *) exclude=$QEMU_TREE/$exclude ;; esac
grep -qx 'build-san/' "$exclude" 2>/dev/null || echo 'build-san/' >> "$exclude"
mapfile -t unit < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/tests/unit-tests")
QTESTS=(vtd-nested-test vtd-emulated-nesting-test intel-iommu-test fuzz-intel-iommu-test
        pasid-pri-testdev-test)
targets=(qemu-system-x86_64)
for t in "${unit[@]}"; do targets+=("tests/unit/$t"); done
for t in "${QTESTS[@]}"; do targets+=("tests/qtest/$t"); done
bash "$TOP/scripts/build.sh" "${targets[@]}"
built=$((SECONDS - start))

# Everything but a leak stops the program with a report.  Leaks are
# reported at exit without changing the exit status, and sorted by
# leaks.py: only those allocated through the series' files count.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1:print_summary=1
export LSAN_OPTIONS=exitcode=0
export UBSAN_OPTIONS=print_stacktrace=1
rm -rf "$LOGS"
mkdir -p "$LOGS"
series_files=$LOGS/series-files
git -C "$QEMU_TREE" diff --name-only "$BASE_TAG..HEAD" > "$series_files"
passed=0 failed=0 base_leaks=0

# leaks LOG...: 0 when LOG holds no leak of the series' code; adds the
# others to base_leaks.
leaks() {
    local out rc=0
    out=$(python3 "$TOP/scripts/sanitizers/leaks.py" "$series_files" "$@") ||
        rc=$?
    base_leaks=$((base_leaks + $(printf '%s\n' "$out" |
        sed -n 's/.*, \([0-9]*\) elsewhere.*/\1/p')))
    [ "$rc" = 0 ] && return 0
    printf '%s\n' "$out" | head -40 | sed 's/^/      /'
    return 1
}

# run NAME CMD...: one program; its output goes to a log that is searched
# for sanitizer reports.
run() {
    local name=$1 log rc=0
    shift
    log=$LOGS/$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_').log
    "$@" > "$log" 2>&1 || rc=$?
    if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error:' "$log"; then
        printf 'FAIL  %s (sanitizer report; log: %s)\n' "$name" "${log#$TOP/}"
        grep -m3 -e 'ERROR: AddressSanitizer' -e 'runtime error:' "$log" |
            sed 's/^/      /'
        failed=$((failed + 1))
    elif ! leaks "$log"; then
        printf 'FAIL  %s (leak in the series'"'"' code; log: %s)\n' "$name" \
            "${log#$TOP/}"
        failed=$((failed + 1))
    elif [ "$rc" != 0 ]; then
        printf 'FAIL  %s (exit %s; log: %s)\n' "$name" "$rc" "${log#$TOP/}"
        failed=$((failed + 1))
    else
        printf 'PASS  %s\n' "$name"
        passed=$((passed + 1))
    fi
}

# The control: a leak of a listed file must be found, or the check would
# pass whatever QEMU does.
control=$LOGS/leak-control
cc -fsanitize=address -g -O0 -o "$control" "$TOP/scripts/sanitizers/leak-control.c"
"$control" > "$control.log" 2>&1 || true
if echo scripts/sanitizers/leak-control.c |
    python3 "$TOP/scripts/sanitizers/leaks.py" /dev/stdin "$control.log" > /dev/null; then
    printf 'FAIL  leak detection: the control'"'"'s leak was not found (log: %s)\n' \
        "${control#$TOP/}.log"
    failed=$((failed + 1))
else
    printf 'PASS  leak detection finds the control'"'"'s leak\n'
    passed=$((passed + 1))
fi

for t in "${unit[@]}"; do
    run "unit $t" env -C "$QEMU_BUILD" timeout 900 "tests/unit/$t" --tap -k
done
for t in "${QTESTS[@]}"; do
    run "qtest $t" env -C "$QEMU_BUILD" \
        QTEST_QEMU_BINARY=./qemu-system-x86_64 \
        timeout --foreground 1800 "tests/qtest/$t" --tap -k
done
if [ -f "$BUILD_DIR/guest/initrd.cpio.gz" ] ||
    { bash "$TOP/scripts/fetch-guest.sh" && bash "$TOP/scripts/build-initramfs.sh"; } >&2; then
    run "guest strict (sanitized QEMU)" env QN_GUEST_TIMEOUT=900 \
        bash "$TOP/scripts/run-guest.sh" strict "$LOGS/guest-strict"
    # The guest's QEMU writes its reports to its own log.
    if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error:' \
        "$LOGS/guest-strict/qemu-stderr.log" 2>/dev/null; then
        printf 'FAIL  guest QEMU: sanitizer report (log: %s)\n' \
            "${LOGS#$TOP/}/guest-strict/qemu-stderr.log"
        failed=$((failed + 1))
    elif [ -f "$LOGS/guest-strict/qemu-stderr.log" ] &&
        ! leaks "$LOGS/guest-strict/qemu-stderr.log"; then
        printf 'FAIL  guest QEMU: leak in the series'"'"' code\n'
        failed=$((failed + 1))
    fi
else
    printf 'FAIL  guest strict: no guest kernel or initramfs\n'
    failed=$((failed + 1))
fi

printf '\nsanitizer build %ds, tests %ds; logs in %s/\n' "$built" \
    $((SECONDS - start - built)) "${LOGS#$TOP/}"
printf 'leaks outside the series'"'"' code (not counted): %d\n' "$base_leaks"
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" = 0 ]
