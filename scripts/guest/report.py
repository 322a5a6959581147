#!/usr/bin/python3
"""Report of one guest run of the main job, and its verdict.

    report.py MODE OUTDIR SECONDS

Reads OUTDIR/console.log (the guest's QN- lines), OUTDIR/qmp.json (from
qmp.py), OUTDIR/cmdline and OUTDIR/qemu-stderr.log; prints a readable
report and exits 1 when the data did not check out, the software host
saw no bind, no flush or no translation, a device behind it was never
bound, the guest or the host reported a fault or an error, or QEMU did
not end cleanly (exit status in OUTDIR/qemu-status, or an assertion or
abort on its standard error).
"""
import json
import os
import re
import sys


def main():
    mode, out, seconds = sys.argv[1], sys.argv[2], sys.argv[3]
    rel = os.path.relpath(out)
    if rel.startswith(".."):
        rel = os.path.abspath(out)
    def text(name):
        try:
            with open(os.path.join(out, name), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    console = text("console.log").splitlines()
    qmp = json.loads(text("qmp.json") or "{}")
    cmdline = text("cmdline").strip()
    stderr = text("qemu-stderr.log").strip()

    def lines(tag):
        return [l.split(tag, 1)[1].strip() for l in console if tag in l]

    problems = []
    booted, done = lines("QN-BOOTED"), lines("QN-DONE")
    results = lines("QN-RESULT")
    print(f"== guest run: {mode} ==")
    print(f"command line : {cmdline}")
    print(f"run time     : {seconds} s (QEMU start to quit)")
    print(f"guest        : init at {booted[0] if booted else '?'} s, "
          f"done at {done[0] if done else '?'} s of guest uptime")
    for l in lines("QN-IOMMU"):
        if re.search(r"scalable|TLB invalidation policy|Queued invalidation|IRQ remapping", l):
            l = re.sub(r"^\[ *[0-9.]+\] ", "", l)
            print(f"guest iommu  : {l}")
    if not done:
        problems.append("the guest did not finish (no QN-DONE)")
    if len(results) < 2:
        problems.append(f"{2 - len(results)} disk(s) not checked")
    for r in results:
        f = r.split()
        print(f"data         : {r}")
        if len(f) < 2 or f[1] != "ok":
            problems.append(f"data on {f[0]} did not check out")
    for l in lines("QN-FAULT"):
        print(f"guest fault  : {l}")
    if lines("QN-FAULT"):
        problems.append("the guest reported DMA faults")
    if stderr:
        for l in stderr.splitlines()[:10]:
            print(f"qemu stderr  : {l}")
    if re.search(r"Assertion|assertion failed|Aborted|core dumped|ERROR:", stderr):
        problems.append("QEMU reported an assertion or abort")
    status = text("qemu-status").strip()
    if status not in ("", "0"):
        problems.append(f"QEMU exited with status {status}")
    for e in qmp.get("errors", []):
        problems.append(f"QMP: {e}")

    for c in qmp.get("contexts", []):
        pasids = ",".join(f"{b['pasid']}(s1 {b['s1-table']:#x}, {b['addr-width']}-bit, "
                          f"did {b['domain-id']})" for b in c["bindings"]) or "none"
        print(f"device       : {c['bdf']} {c.get('device', '?').rsplit('/', 1)[-1]} "
              f"host={c['host'].rsplit('/', 1)[-1]} bound PASIDs: {pasids}; "
              f"binds {c['binds']}, unbinds {c['unbinds']}, bind errors {c['bind-errors']}, "
              f"flush entries {c['flush-entries']} in {c['batches']} batches, faults {c['faults']}")
        # Each device goes through the nested path, not only some.
        if not c["binds"]:
            problems.append(f"{c['bdf']} was never bound")
        if c["bind-errors"] or c["faults"]:
            problems.append(f"{c['bdf']}: {c['bind-errors']} bind errors, "
                            f"{c['faults']} faults")
    h = qmp.get("host", {})
    if not qmp:
        problems.append("no QMP answer")
    else:
        hits, misses = h.get("iotlb-hits") or 0, h.get("iotlb-misses") or 0
        rate = f"{100.0 * hits / (hits + misses):.1f}%" if hits + misses else "n/a"
        print(f"soft host    : contexts {h.get('contexts')}, binds {h.get('binds')}, "
              f"unbinds {h.get('unbinds')}, errors {h.get('errors')}")
        print(f"flushes      : {h.get('flush-calls')} calls, {h.get('flush-entries')} entries")
        print(f"translations : {h.get('translations')}; IOTLB hits {hits}, misses {misses}, "
              f"hit rate {rate}, evictions {h.get('iotlb-evictions')}")
        print(f"faults       : {h.get('faults')} (page requests raised "
              f"{h.get('page-requests-raised')})")
        for name in ("binds", "flush-calls", "translations"):
            if not h.get(name):
                problems.append(f"the software host saw no {name}")
        for name in ("errors", "faults"):
            if h.get(name):
                problems.append(f"the software host counted {h[name]} {name}")
        if len(qmp.get("contexts", [])) < 2:
            problems.append("fewer than 2 devices behind the software host")
    print(f"logs         : {rel}/")
    if problems:
        for p in problems:
            print(f"problem      : {p}")
        print(f"result       : FAIL ({mode})")
        return 1
    print(f"result       : OK ({mode})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
