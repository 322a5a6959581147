#!/usr/bin/env python3
"""Print make bench-instructions' table from its results file.

Each line is "BUILD ROW CONFIG INSTRUCTIONS CALLS": instructions per call
(CALLS calls counted) in the build ("current" or "baseline").

Rows:
  tr      per DMA translation of a device without a host model of its
          own (VT-d's translate callback; IOTLBs warm): nested through the
          software host it is attached to, against VT-d's emulated first
          stage
  inv     per page-selective PASID-IOTLB invalidation, the batch's wait
          and the host model's flush included: forwarded (nested) against
          VT-d's own path for an emulated device (target <= 1.2); of
          consecutive pages (the host gets one range), and of pages apart
          (inv-scattered: one entry each)
  pr      per page request from the host model into VT-d's queue, and per
          response from VT-d through the host model to the device
  pasidc  per global PASID-cache invalidation that finds nothing changed,
          against the number of bound PASIDs: slope per PASID
"""
import statistics
import sys

import results

val = {}
records, notes = results.read(sys.argv[1])
for b, row, cfg, ir, _ in records:
    val[(b, row, cfg)] = float(ir)
builds = ['current'] + (['baseline'] if any(k[0] == 'baseline' for k in val)
                        else [])
rows = []


def cell(b, row, cfg):
    v = val.get((b, row, cfg))
    return '%.0f' % v if v is not None else 'n/a'


def ratio(a, b):
    return '%.2f' % (a / b) if a is not None and b else 'n/a'


def line(name, row, cfg):
    r = [name] + [cell(b, row, cfg) for b in builds]
    if len(builds) == 2:
        r.append(ratio(val.get(('current', row, cfg)),
                       val.get(('baseline', row, cfg))))
    rows.append(r)


def cmp_line(name, row, a, c, target=None):
    r = [name]
    for b in builds:
        x = ratio(val.get((b, row, a)), val.get((b, row, c)))
        if target and x != 'n/a':
            x += ' (<= %.2f %s)' % (target, 'ok' if float(x) <= target
                                     else 'MISSED')
        r.append(x)
    if len(builds) == 2:
        r.append('')
    rows.append(r)


line('DMA translation, nested', 'tr', 'nested')
line('DMA translation, emulated', 'tr', 'emulated')
cmp_line('  nested / emulated', 'tr', 'nested', 'emulated')
line('PASID-IOTLB inv., consecutive pages, nested', 'inv', 'nested')
line('PASID-IOTLB inv., consecutive pages, emulated', 'inv', 'emulated')
cmp_line('  nested / emulated', 'inv', 'nested', 'emulated', 1.2)
line('PASID-IOTLB inv., pages apart, nested', 'inv-scattered', 'nested')
line('PASID-IOTLB inv., pages apart, emulated', 'inv-scattered', 'emulated')
cmp_line('  nested / emulated', 'inv-scattered', 'nested', 'emulated', 1.2)
line('page request, host to guest queue', 'pr', 'request')
line('page response, guest to device', 'pr', 'response')
for n in (16, 32, 64, 128, 256):
    line('global PASID-cache inv., %d PASIDs' % n, 'pasidc', str(n))
r = ['  slope per PASID']
for b in builds:
    pts = sorted((int(k[2]), v) for k, v in val.items()
                 if k[0] == b and k[1] == 'pasidc')
    if len(pts) < 2:
        r.append('n/a')
        continue
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = (sum((x - mx) * (y - my) for x, y in zip(xs, ys)) /
             sum((x - mx) ** 2 for x in xs))
    r.append('%.0f + %.0f fixed' % (slope, my - slope * mx))
if len(builds) == 2:
    r.append('')
rows.append(r)

hdr = ['instructions per operation'] + builds + (
    ['current/baseline'] if len(builds) == 2 else [])
w = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(hdr))]
for n in notes:
    print(n)
print('  '.join(h.ljust(w[i]) for i, h in enumerate(hdr)).rstrip())
print('  '.join('-' * w[i] for i in range(len(hdr))))
for x in rows:
    print('  '.join(c.ljust(w[i]) for i, c in enumerate(x)).rstrip())
sys.exit(1 if any(n.startswith('# error') for n in notes) else 0)
