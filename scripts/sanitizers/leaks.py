#!/usr/bin/env python3
"""Sort LeakSanitizer reports into the series' leaks and the base's.

    leaks.py FILES_LIST LOG...

FILES_LIST names the source files the series adds or changes, one per
line (``git diff --name-only base..HEAD``).  A leak is the series' when a
frame of its allocation stack, below the allocator, lies in one of those
files; QEMU leaves much of its own state to exit, so the others are only
counted.  Prints the series' leaks with their stacks and a summary line;
exits 1 when there is one.
"""
import re
import sys

files = [l.strip() for l in open(sys.argv[1]) if l.strip().endswith('.c')]
# Frames print paths relative to the build folder ("../hw/iommu/x.c:12").
frame_re = re.compile(r'^\s+#\d+ 0x[0-9a-f]+ in (\S+) (\S+?):\d+')
ours, base = [], 0
for log in sys.argv[2:]:
    text = open(log, errors='replace').read()
    for block in re.split(r'\n(?=(?:Direct|Indirect) leak of )', text):
        if not re.match(r'(?:Direct|Indirect) leak of ', block):
            continue
        lines = block.split('\n')
        stack = []
        for l in lines[1:]:
            m = frame_re.match(l)
            if not m:
                if stack:
                    break
                continue
            stack.append((m.group(1), m.group(2)))
        hit = None
        for fn, path in stack:
            for f in files:
                if path.endswith('/' + f) or path == f:
                    hit = (fn, f)
                    break
            if hit:
                break
        if hit:
            ours.append((log, lines[0], '\n'.join(lines[1:12])))
        else:
            base += 1
for log, head, stack in ours:
    print('LEAK (%s) %s\n%s\n' % (log, head, stack))
print('leaks: %d in the series\' code, %d elsewhere (not counted)'
      % (len(ours), base))
sys.exit(1 if ours else 0)
