#!/usr/bin/env python3
"""Print make bench's table from its results file.

Each line of the results file is one measurement, "ROW CONFIG VALUE", as
scripts/bench.sh and the bench cases of vtd-nested-test write them, or a
"rk" line of the real-kernel run.  A row compares two configurations
measured in the same run: the median of each, its spread ((max - min) /
median), and the ratio of the medians.

Rows:
  guest-4k, guest-1024k  seconds a Linux guest takes to read N MiB from
                         virtio-blk with O_DIRECT, in 4 KiB or 1 MiB
                         requests: nested through the software host
                         against intel-iommu's emulated first stage
                         (target <= 1.05), and emulated against no vIOMMU
  tr                     QEMU CPU ns per page a device without a host model
                         of its own writes by DMA (IOTLBs warm): attached to
                         the software host (nested, as the guest rows'
                         virtio-blk) against VT-d's emulated first stage
  inv, inv-scattered     QEMU CPU ns per page-selective PASID-based IOTLB
                         invalidation: forwarded to the software host
                         (nested) against VT-d's own path for an emulated
                         device (target <= 1.2); of consecutive pages, which
                         go to the host as one range, and of pages apart
  pr                     QEMU CPU ns per DMA that needs a page request and
                         its response, against the same DMA to a mapped
                         page; the difference is the request's cost
  pasidc                 QEMU CPU ns per global PASID-cache invalidation
                         with 16 to 256 bound PASIDs: slope per PASID
                         (least squares on the medians) and 256 against 16
  rk                     the real-kernel harness, same inner workload:
                         host calls per 1,000 inner map/unmap operations,
                         shadowing (x-flts=off) against nesting (target:
                         nesting at least 10 times fewer), and time; strict
                         (an invalidation after every map and unmap) and
                         batched (one for 32 pages, as in lazy mode)
With QN_BENCH_BASELINE, rows "this build against the baseline" compare the
nested configurations (CONFIG@baseline) measured with the other binary.
"""
import statistics
import sys
from collections import defaultdict

import results

vals = defaultdict(list)
rk = defaultdict(list)
records, notes = results.read(sys.argv[1])
for f in records:
    if f[0] == 'rk':
        # rk shadowing OPS MAPS IOMMU_IOAS_MAP UNMAPS IOMMU_IOAS_UNMAP US
        # rk nesting OPS MAPS IOMMU_IOAS_MAP INVS IOMMU_HWPT_INVALIDATE US
        ops, us = int(f[2]), int(f[-1])
        calls = sum(int(f[i]) for i in range(3, len(f) - 1, 2))
        rk[f[1]].append((ops, calls, us))
        continue
    vals[(f[0], f[1])].append(float(f[2]))


def stat(row, cfg):
    v = vals.get((row, cfg))
    if not v:
        return None
    m = statistics.median(v)
    spread = (max(v) - min(v)) / m * 100 if m else 0.0
    return m, spread, len(v)


def fmt(s, unit):
    if s is None:
        return 'n/a'
    m, spread, n = s
    return '%s %s ±%.0f%% (n=%d)' % (('%.2f' if m < 100 else '%.0f') % m,
                                    unit, spread / 2, n)


rows = []


def ratio_row(name, row, a, b, unit, target=None):
    sa, sb = stat(row, a), stat(row, b)
    r = sa[0] / sb[0] if sa and sb and sb[0] else None
    verdict = ''
    if target is not None and r is not None:
        verdict = 'ok' if r <= target else 'MISSED'
    rows.append((name, '%s: %s' % (a, fmt(sa, unit)),
                 '%s: %s' % (b, fmt(sb, unit)),
                 '%.2f' % r if r is not None else 'n/a',
                 ('<= %.2f %s' % (target, verdict)) if target else ''))


ratio_row('guest 4 KiB O_DIRECT reads', 'guest-4k', 'nested', 'emulated',
          's', 1.05)
ratio_row('guest 4 KiB O_DIRECT reads', 'guest-4k', 'emulated', 'none', 's')
ratio_row('guest 1 MiB O_DIRECT reads', 'guest-1024k', 'nested', 'emulated',
          's', 1.05)
ratio_row('guest 1 MiB O_DIRECT reads', 'guest-1024k', 'emulated', 'none',
          's')
ratio_row('QEMU CPU per page of DMA', 'tr', 'nested', 'emulated', 'ns')
ratio_row('QEMU CPU per PASID-IOTLB invalidation', 'inv', 'nested',
          'emulated', 'ns', 1.2)
ratio_row('  the same, of pages apart', 'inv-scattered', 'nested',
          'emulated', 'ns', 1.2)
ratio_row('QEMU CPU per DMA with a page request', 'pr', 'request', 'mapped',
          'ns')
sr, sm = stat('pr', 'request'), stat('pr', 'mapped')
if sr and sm:
    rows.append(('  page request + response alone', '', '',
                 '%.1f us' % ((sr[0] - sm[0]) / 1000), ''))

pts = []
for (row, cfg), v in vals.items():
    if row == 'pasidc':
        pts.append((int(cfg), statistics.median(v)))
pts.sort()
for n, m in pts:
    s = stat('pasidc', str(n))
    rows.append(('QEMU CPU per global PASID-cache inv.', '%d PASIDs: %s'
                 % (n, fmt(s, 'ns')), '', '', ''))
if len(pts) >= 2:
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    icpt = my - slope * mx
    ss_res = sum((y - (icpt + slope * x)) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys)
    r2 = 1 - ss_res / ss_tot if ss_tot else 1.0
    rows.append(('  slope (linear fit)', '%.0f ns per PASID + %.0f ns'
                 % (slope, icpt), 'R^2 %.3f' % r2,
                 '%.2f' % (pts[-1][1] / pts[0][1]),
                 '%d vs %d PASIDs' % (pts[-1][0], pts[0][0])))

def per1k(mode):
    runs = rk[mode]
    calls = statistics.median(c * 1000 / o for o, c, _ in runs)
    us = statistics.median(u * 1000 / o for o, _, u in runs)
    return calls, us, len(runs)


for suffix, what in (('', 'strict'), ('-batched', 'batched')):
    if not (rk.get('shadowing' + suffix) and rk.get('nesting' + suffix)):
        rows.append(('real kernel (%s): host calls / 1000 ops' % what,
                     'not run', '', '', ''))
        continue
    cs, us_s, n = per1k('shadowing' + suffix)
    cn, us_n, _ = per1k('nesting' + suffix)
    r = cs / cn if cn else float('inf')
    rows.append(('real kernel (%s): host calls / 1000 ops' % what,
                 'shadowing: %.0f' % cs, 'nesting: %.0f' % cn, '%.2f' % r,
                 '>= 10 %s' % ('ok' if r >= 10 else 'MISSED')))
    rows.append(('real kernel (%s): inner time / 1000 ops' % what,
                 'shadowing: %.2f s' % (us_s / 1e6),
                 'nesting: %.2f s' % (us_n / 1e6),
                 '%.2f' % (us_s / us_n), '(n=%d)' % n))

# With a baseline binary: this build's nested side against the baseline's
for name, row, cfg in (('guest 4 KiB reads, nested', 'guest-4k', 'nested'),
                       ('guest 1 MiB reads, nested', 'guest-1024k',
                        'nested'),
                       ('QEMU CPU per page of DMA, nested', 'tr', 'nested'),
                       ('QEMU CPU per PASID-IOTLB inv., nested', 'inv',
                        'nested'),
                       ('  the same, of pages apart', 'inv-scattered',
                        'nested'),
                       ('QEMU CPU per DMA with a page request', 'pr',
                        'request')):
    if stat(row, cfg + '@baseline'):
        ratio_row(name + ': this build vs baseline', row, cfg,
                  cfg + '@baseline', 's' if row.startswith('guest') else 'ns')
bpts = sorted((int(cfg), statistics.median(v)) for (row, cfg), v in
              vals.items() if row == 'pasidc@baseline')
if len(bpts) >= 2 and len(pts) >= 2:
    rows.append(('global PASID-cache inv., 256 PASIDs: this build vs '
                 'baseline', '%.0f ns' % pts[-1][1], '%.0f ns' % bpts[-1][1],
                 '%.2f' % (pts[-1][1] / bpts[-1][1]), ''))

hdr = ('row', 'A', 'B', 'A/B', 'target')
w = [max(len(r[i]) for r in rows + [hdr]) for i in range(5)]
for n in notes:
    print(n)
print('  '.join(h.ljust(w[i]) for i, h in enumerate(hdr)).rstrip())
print('  '.join('-' * w[i] for i in range(5)))
for r in rows:
    print('  '.join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip())
errors = [n for n in notes if n.startswith('# error')]
sys.exit(1 if errors else 0)
