#!/bin/bash
# One run of the real-kernel harness: our QEMU's vfio-pci nesting against
# the real Linux iommufd.  The outer QEMU (TCG) boots the guest kernel of
# scripts/build-guest-kernel.sh with the host's root as its root fs
# (read-only virtio-9p), intel-iommu in scalable mode offering nesting
# (x-nest=on), a pasid-pri-testdev at 00:04.0 and an e1000e at 00:05.0.
# The guest's init (scripts/realkernel/init) binds both to vfio-pci and runs
# the inner test program, tests/qtest/vtd-real-kernel-test of the QEMU
# build, whose inner QEMUs pass them through with iommufd.  Results come
# back through a second, writable 9p share (OUTDIR/share).
#   run-realkernel.sh [--no-nest] [OUTDIR]
# --no-nest: the outer intel-iommu without x-nest (with x-flts=on, and
# without device-iotlb, which intel-iommu only takes with PASIDs when it
# nests), so that the guest kernel's IOMMU cannot nest.  OUTDIR: build/realkernel/<mode>.
# Environment:
#   QN_RK_TIMEOUT  time box of the outer run in seconds (300)
#   QN_RK_PROGRAM  the inner program (the build's vtd-real-kernel-test)
#   QN_RK_TRACE    trace event patterns for the inner QEMUs, separated by
#                  spaces or commas (none); logs in OUTDIR/share/trace/
#   QN_RK_KERNEL   the guest kernel (the cached build for realkernel.conf)
# Prints "PASS  real kernel: <case>" (FAIL, SKIP) per TAP case of the
# program; exits non-zero on any failure, a missing result or the time box
# running out.
. "$(dirname "$0")/lib.sh"
# shellcheck source=../realkernel.conf
. "$TOP/realkernel.conf"

mode=nest
case ${1:-} in
--no-nest) mode=no-nest; shift ;;
-*) die "usage: run-realkernel.sh [--no-nest] [OUTDIR]" ;;
esac
out=${1:-$BUILD_DIR/realkernel/$mode}
TIMEOUT=${QN_RK_TIMEOUT:-300}
PROGRAM=${QN_RK_PROGRAM:-$QEMU_BUILD/tests/qtest/vtd-real-kernel-test}
PPT=0000:00:04.0 NIC=0000:00:05.0
kernel=${QN_RK_KERNEL:-$(rk_kernel_image)}

[ -x "$QEMU_BIN" ] || die "no $QEMU_BIN; run scripts/build.sh"
[ -f "$kernel" ] || die "no guest kernel ${kernel/#$HOME/\~}; run scripts/build-guest-kernel.sh"
[ -x "$TOP/scripts/realkernel/init" ] || die "scripts/realkernel/init is not executable"

vtd=intel-iommu,intremap=on,x-scalable-mode=on,x-pasid-mode=on,x-prs=on
if [ "$mode" = nest ]; then
    vtd+=,device-iotlb=on,x-nest=on
else
    # First-stage tables only.  intel-iommu refuses device-iotlb=on with
    # x-pasid-mode=on unless it nests, so the device has no ATS here.
    vtd+=,x-flts=on
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/share"
rm -f "$out"/console.log "$out"/qemu-stderr.log "$out"/cmdline "$out"/result
mkdir -p "$out/share"
trace=
if [ -n "${QN_RK_TRACE:-}" ]; then
    tr ', ' '\n\n' <<< "$QN_RK_TRACE" | grep -v '^$' > "$out/share/trace-events"
    trace=" qn.trace=1"
fi
# The program's own time box ends before the outer one, so the guest can
# still hand back what it has.
inner=$(( TIMEOUT > 90 ? TIMEOUT - 60 : TIMEOUT * 2 / 3 ))

append="console=ttyS0 root=host0 rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000 ro"
append+=" init=$TOP/scripts/realkernel/init intel_iommu=on,sm_on panic=-1"
# TCG on a loaded host can miss the timer check through the remapped IO-APIC.
append+=" no_timer_check"
append+=" qn.mode=$mode qn.out=out qn.build=$QEMU_BUILD qn.ppt=$PPT qn.nic=$NIC qn.timeout=$inner$trace"
[ -z "${QN_RK_PROGRAM:-}" ] || append+=" qn.program=$PROGRAM"

# shellcheck disable=SC2054 # commas are QEMU option syntax
QEMU_ARGS=(
    -M q35 -accel tcg -m 2G -smp 1 -nodefaults -display none -no-reboot
    -serial "file:$out/console.log"
    -kernel "$kernel"
    -append "$append"
    -device "$vtd"
    -fsdev local,id=root,path=/,security_model=none,readonly=on
    -device virtio-9p-pci,fsdev=root,mount_tag=host0
    -fsdev "local,id=out,path=$out/share,security_model=none"
    -device virtio-9p-pci,fsdev=out,mount_tag=out
    -device pasid-pri-testdev,addr=04.0
    # The NIC is passed through by the guest; a restricted user netdev
    # keeps QEMU from warning that it has no peer.
    -netdev user,id=net0,restrict=on
    -device e1000e,addr=05.0,netdev=net0
)
for a in "$(basename "$QEMU_BIN")" "${QEMU_ARGS[@]}"; do
    case $a in *" "*) printf '"%s" ' "$a" ;; *) printf '%s ' "$a" ;; esac
done | sed "s|$TOP/||g; s|$HOME/|~/|g; s/ $//" > "$out/cmdline"

echo "== real kernel ($mode) =="
echo "kernel       : Linux $RK_KRELEASE ($RK_KPKG $RK_KVERSION, ${kernel/#$HOME/\~})"
echo "outer qemu   : $(cat "$out/cmdline")"
msg "real kernel ($mode): booting"
start=$(date +%s)
rc=0
timeout -k 10 "$TIMEOUT" "$QEMU_BIN" "${QEMU_ARGS[@]}" > "$out/qemu-stderr.log" 2>&1 < /dev/null || rc=$?
elapsed=$(( $(date +%s) - start ))

# --- what came back -----------------------------------------------------------
s=$out/share
PASS=0 FAIL=0 SKIP=0
line() { # PASS|FAIL|SKIP case [detail]
    case $1 in
    PASS) PASS=$((PASS + 1)) ;;
    FAIL) FAIL=$((FAIL + 1)) ;;
    SKIP) SKIP=$((SKIP + 1)) ;;
    esac
    printf '%-4s  real kernel: %s%s\n' "$1" "$2" "${3:+ ($3)}"
}

guest_release=$(cat "$s/uname-r" 2>/dev/null || true)
echo "guest kernel : ${guest_release:-(no report from the guest)}"
[ -z "$guest_release" ] || [ "$guest_release" = "$RK_KRELEASE" ] ||
    msg "the guest runs Linux $guest_release, realkernel.conf says $RK_KRELEASE"
ecap=$(grep -o 'ecap [0-9a-f]*' "$s/dmar.log" 2>/dev/null | head -1 || true)
echo "guest iommu  : ${ecap:-(no DMAR line)}"
if [ -f "$s/setup.log" ]; then
    sed 's/^/guest setup  : /' "$s/setup.log"
fi
[ ! -s "$s/program.cmd" ] || echo "program      : $(sed "s|$TOP/||g" "$s/program.cmd")"

program=$(basename "$PROGRAM")
failed_cases=0 cases=0 plan=
if [ -f "$s/program.tap" ]; then
    while IFS= read -r l; do
        case $l in
        1..*) plan=${l#1..}; plan=${plan%% *}; continue ;;
        "ok "*)     res=PASS; rest=${l#ok } ;;
        "not ok "*) res=FAIL; rest=${l#not ok } ;;
        *) continue ;;
        esac
        cases=$((cases + 1))
        rest=${rest#"${rest%%[!0-9]*}"}   # the test number
        desc=${rest%%#*} directive=
        [ "$desc" = "$rest" ] || directive=${rest#*#}
        # "ok 3 - /x86_64/a/b # SKIP why": case "b", directive "SKIP why"
        desc=$(sed 's/^[[:space:]]*-*[[:space:]]*//; s/[[:space:]]*$//' <<< "$desc")
        directive=$(sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<< "$directive")
        why=$(sed 's/^[A-Za-z]*[[:space:]]*//' <<< "$directive")
        case $desc in /*) desc=${desc##*/} ;; esac
        [ -n "$desc" ] || desc="case $cases"
        case $res:$directive in
        PASS:[Ss][Kk][Ii][Pp]*) line SKIP "$desc" "$why" ;;
        FAIL:[Tt][Oo][Dd][Oo]*) line SKIP "$desc" "todo${why:+: $why}" ;;
        FAIL:*) line FAIL "$desc" "log: ${out#"$TOP"/}/share/program.tap"; failed_cases=$((failed_cases + 1)) ;;
        *) line PASS "$desc" ;;
        esac
    done < "$s/program.tap"
fi
status=$(cat "$s/program.status" 2>/dev/null || true)
endwhy="exit status ${status:-unknown}"
bail=$(grep -m1 '^Bail out!' "$s/program.tap" 2>/dev/null || true)
[ -z "$bail" ] || endwhy+=", $bail"
# One failure for what went wrong outside the program's cases: the outer
# run first (a missing result follows from it), then the program's end.
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    line FAIL "time box" "the outer run did not end within ${TIMEOUT}s; see ${out#"$TOP"/}/console.log"
elif [ "$rc" != 0 ]; then
    line FAIL "outer qemu" "exit status $rc; log: ${out#"$TOP"/}/qemu-stderr.log"
elif [ ! -f "$s/program.tap" ]; then
    line FAIL "$program" "no result from the guest; see ${out#"$TOP"/}/console.log"
elif [ "$status" = missing ]; then
    :   # the init's "not ok" line counted it
elif [ "$cases" = 0 ]; then
    line FAIL "$program ran no test case" "$endwhy; log: ${out#"$TOP"/}/share/program.stderr"
elif [ -n "$plan" ] && [ "$cases" -lt "$plan" ]; then
    line FAIL "$program ran $cases of $plan test cases" "$endwhy; log: ${out#"$TOP"/}/share/program.stderr"
elif [ "$status" != 0 ] && [ "$failed_cases" = 0 ]; then
    line FAIL "$program exit status ${status:-unknown}" "log: ${out#"$TOP"/}/share/program.stderr"
elif [ ! -f "$s/done" ]; then
    line FAIL "guest init" "did not finish; see ${out#"$TOP"/}/console.log"
fi

echo "$PASS passed, $FAIL failed, $SKIP skipped" > "$out/result"
echo "result       : $PASS passed, $FAIL failed, $SKIP skipped in ${elapsed}s; logs in ${out#"$TOP"/}/"
[ "$FAIL" = 0 ]
