#!/bin/bash
# Fuzz the series' device code with QEMU's generic-fuzz target (libFuzzer,
# Debian's clang, AddressSanitizer and UndefinedBehaviorSanitizer).
#
# A third build of the assembled tree, in its own worktree (build/fuzz, at
# the tree's HEAD; its own configuration, the same ccache), builds
# qemu-fuzz-x86_64.  Each configuration below is a machine that reaches the
# new code; generic-fuzz drives the MMIO of the objects it names and fills
# every DMA read of guest memory (invalidation descriptors, PASID tables,
# page tables, page request queue) with fuzzer data.  The corpus of each
# configuration starts from the seeds in tests/fuzz/<config>/ and grows in
# build/fuzz-corpus/<config>/; crashes are written to build/fuzz-crashes/.
#
#   fuzz.sh [--build-only] [CONFIG ...]     (default: every configuration)
#   FUZZ_SECONDS   wall seconds per configuration (default 60)
#   FUZZ_JOBS      libFuzzer processes per configuration (default 1)
#   FUZZ_MINIMIZE  1: after the run, merge the corpus into a minimal set and
#                  keep its FUZZ_SEEDS_MAX (default 48) largest inputs in
#                  tests/fuzz/<config>/ (to refresh the committed seeds)
# Ends with one line per configuration (runs, executions per second, CPU
# seconds, crashes) and "N passed, N failed": a configuration fails when it
# found a crash.
. "$(dirname "$0")/lib.sh"

FUZZ_TREE=$BUILD_DIR/fuzz
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-1}
FUZZ_SEEDS_MAX=${FUZZ_SEEDS_MAX:-48}
SEEDS=$TOP/tests/fuzz
CORPUS=$BUILD_DIR/fuzz-corpus
CRASHES=$BUILD_DIR/fuzz-crashes
LOGS=$BUILD_DIR/fuzz-logs

# name|QEMU arguments|objects whose MMIO is fuzzed (memory region or QOM
# type names, globs).  The fuzzer adds "-machine q35"'s own defaults.
CONFIGS=(
    # First stage bound through the software host, page requests on: the
    # nested path end to end (PASID table sync, bind, invalidation
    # forwarding, blocked PASIDs, faults, page request queue, responses).
    "vtd-nested-soft|-machine q35 -nodefaults -device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on,x-prs=on -object dual-stage-iommu-soft,id=sh0 -device pasid-pri-testdev,host=sh0|intel_iommu* pasid-pri-testdev*"
    # Emulated nesting (x-nest): the vIOMMU walks both stages itself.
    "vtd-emulated-nesting|-machine q35 -nodefaults -device intel-iommu,x-scalable-mode=on,x-nest=on,caching-mode=on,x-prs=on -device pasid-pri-testdev|intel_iommu* pasid-pri-testdev*"
    # First-stage translation without a host side (the base's x-flts path
    # with the series' PASID-entry checks, page requests and faults).
    "vtd-flts-emulated|-machine q35 -nodefaults -device intel-iommu,x-scalable-mode=on,x-flts=on,x-prs=on -device pasid-pri-testdev|intel_iommu* pasid-pri-testdev*"
    # Emulated devices attached to the software host: their DMA goes
    # through the host model's translation.
    "vtd-soft-attached|-machine q35 -nodefaults -device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on -drive if=none,id=d0,file=null-co://,format=raw -device virtio-blk-pci,id=disk0,drive=d0,iommu_platform=on,disable-legacy=on -device e1000e,id=net0 -object dual-stage-iommu-soft,id=sh0,attach=disk0,attach=net0|intel_iommu* virtio* e1000e"
)

build_only=0
want=()
for a in "$@"; do
    case $a in
        --build-only) build_only=1 ;;
        -*) die "unknown option $a" ;;
        *) want+=("$a") ;;
    esac
done

[ -e "$QEMU_TREE/.git" ] || bash "$TOP/scripts/assemble.sh"
command -v clang >/dev/null || die "clang is missing: run scripts/deps.sh"

# The fuzz build follows the assembled tree's HEAD in its own worktree, so
# that rebasing the tree never changes sources under a running build.
head=$(git -C "$QEMU_TREE" rev-parse HEAD)
if [ ! -e "$FUZZ_TREE/.git" ]; then
    git -C "$QEMU_TREE" worktree prune
    git -C "$QEMU_TREE" worktree add -q --detach "$FUZZ_TREE" "$head"
else
    git -C "$FUZZ_TREE" checkout -q --detach "$head"
fi

start=$SECONDS
QN_TREE=$FUZZ_TREE \
QN_CONFIGURE_EXTRA="--cc=clang --cxx=clang++ --enable-fuzzing --enable-asan --enable-ubsan --disable-docs" \
    bash "$TOP/scripts/build.sh" qemu-fuzz-x86_64
built=$((SECONDS - start))
FUZZER=$FUZZ_TREE/build/qemu-fuzz-x86_64
msg "fuzzer built in ${built}s: ${FUZZER#$TOP/}"
[ "$build_only" = 0 ] || exit 0

mkdir -p "$CORPUS" "$CRASHES" "$LOGS"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1:print_summary=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
passed=0 failed=0
summary=()
for entry in "${CONFIGS[@]}"; do
    IFS='|' read -r name args objects <<< "$entry"
    if [ ${#want[@]} -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qx "$name"; then
        continue
    fi
    mkdir -p "$CORPUS/$name" "$CRASHES/$name"
    if [ -d "$SEEDS/$name" ]; then
        cp -n "$SEEDS/$name"/* "$CORPUS/$name/" 2>/dev/null || true
    fi
    log=$LOGS/$name.log
    # Crashes of earlier runs stay for reference; this run's are newer.
    touch "$LOGS/$name.start"
    msg "fuzzing $name for ${FUZZ_SECONDS}s ($FUZZ_JOBS job(s))"
    rc=0
    fuzz_args=(-max_total_time="$FUZZ_SECONDS" -artifact_prefix="$CRASHES/$name/"
               -print_final_stats=1 -detect_leaks=0)
    if [ "$FUZZ_JOBS" -gt 1 ]; then
        fuzz_args+=(-fork="$FUZZ_JOBS" -ignore_crashes=1)
    fi
    env QEMU_FUZZ_ARGS="$args" QEMU_FUZZ_OBJECTS="$objects" \
        /usr/bin/time -f 'cpu-seconds %U %S' \
        "$FUZZER" --fuzz-target=generic-fuzz "${fuzz_args[@]}" \
        "$CORPUS/$name" > "$log" 2>&1 || rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' ||
           grep -o '^#[0-9]*: cov' "$log" | tail -1 | tr -dc '0-9' || echo 0)
    eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
    cpu=$(awk '/^cpu-seconds/ { printf "%.0f", $2 + $3 }' "$log")
    ncrash=$(find "$CRASHES/$name" -type f -newer "$LOGS/$name.start" \
             \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    if [ "${FUZZ_MINIMIZE:-0}" = 1 ]; then
        rm -rf "$SEEDS/$name.new"
        mkdir -p "$SEEDS/$name.new"
        env QEMU_FUZZ_ARGS="$args" QEMU_FUZZ_OBJECTS="$objects" \
            "$FUZZER" --fuzz-target=generic-fuzz -merge=1 -detect_leaks=0 \
            "$SEEDS/$name.new" "$CORPUS/$name" >> "$log" 2>&1
        # A small seed set: the largest inputs of the merged corpus.
        find "$SEEDS/$name.new" -type f -printf '%s %p\n' | sort -rn |
            tail -n +$((FUZZ_SEEDS_MAX + 1)) | cut -d' ' -f2- |
            xargs -r rm -f
        rm -rf "$SEEDS/$name"
        mv "$SEEDS/$name.new" "$SEEDS/$name"
    fi
    line=$(printf '%-22s %4ss wall %6s CPU-s %9s runs %6s exec/s  crashes %s' \
        "$name" "$FUZZ_SECONDS" "${cpu:-?}" "${runs:-0}" "${eps:-0}" "$ncrash")
    summary+=("$line")
    # A pattern that matches nothing fuzzes nothing of the vIOMMU.
    # (with FUZZ_JOBS > 1 the workers' logs are libFuzzer's own)
    if [ "$FUZZ_JOBS" = 1 ] && ! grep -q '^  \* intel_iommu' "$log"; then
        printf 'FAIL  %s: no intel_iommu region fuzzed (objects "%s"; log %s)\n' \
            "$name" "$objects" "${log#$TOP/}"
        failed=$((failed + 1))
        continue
    fi
    if [ "$ncrash" -gt 0 ] || { [ "$rc" != 0 ] && ! grep -q 'Done [0-9]* runs' "$log"; }; then
        printf 'FAIL  %s (exit %s; log %s; artifacts %s)\n' "$name" "$rc" \
            "${log#$TOP/}" "${CRASHES#$TOP/}/$name/"
        grep -m3 -e 'ERROR: AddressSanitizer' -e 'runtime error:' -e 'deadly signal' \
            -e 'ERROR: libFuzzer' "$log" | sed 's/^/      /' || true
        failed=$((failed + 1))
    else
        printf 'PASS  %s\n' "$name"
        passed=$((passed + 1))
    fi
done
printf '\n'
printf '%s\n' "${summary[@]}"
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" = 0 ]
