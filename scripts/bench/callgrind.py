#!/usr/bin/env python3
"""Calls and inclusive instruction counts of functions in callgrind output.

    callgrind.py FILE FUNCTION...

Reads a file written with --compress-strings=no --compress-pos=no and
prints one line per function: "FUNCTION CALLS IR", where IR is the
instructions executed in the function and its callees over all its calls
(from the cost line that follows each call arc to it).  Collection is
usually limited with --toggle-collect to the functions asked for, so the
arcs into them are recorded even though their callers' costs are not.
"""
import re
import sys


def arcs(path):
    """Yield (callee, calls, inclusive Ir) for every call arc."""
    callee = None
    calls = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if calls is not None:
                fields = line.split()
                ir = int(fields[1]) if len(fields) > 1 else 0
                yield callee, calls, ir
                calls = None
                continue
            if line.startswith("cfn="):
                callee = line[4:].strip()
            elif line.startswith("calls="):
                calls = int(line[6:].split()[0])


def main():
    path, names = sys.argv[1], sys.argv[2:]
    calls = dict.fromkeys(names, 0)
    ir = dict.fromkeys(names, 0)
    for callee, n, cost in arcs(path):
        # A recursive call is named "fn'2": its cost is already inside.
        if callee in calls:
            calls[callee] += n
            ir[callee] += cost
    cmd = ""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("cmd:"):
                cmd = line[4:].strip()
                break
            if re.match(r"^(fn|ob|fl)=", line):
                break
    print("cmd", cmd)
    for name in names:
        print(name, calls[name], ir[name])


if __name__ == "__main__":
    main()
