import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CampaignAccumulator, LayerAccumulator } from '../../../src/faults/metrics/layer-accumulator.js';
import type { MetricsRecord } from '../../../src/faults/metrics/metrics.js';
import { TgrError } from '../../../src/core/errors.js';

const rec = (over: Partial<MetricsRecord>): MetricsRecord => ({
  layer: 'l',
  goldenTop1: 0,
  faultyTop1: 0,
  goldenLoss: 1,
  faultyLoss: 1,
  nonFinite: false,
  ...over,
});

test('one uniform stratum: counts, critical counts per τ, and ΔLoss mean and m2 over the finite records', () => {
  const acc = new LayerAccumulator('l', { tau: [0.5, 2] });
  acc.add(rec({ faultyLoss: 2 })); // Δ 1: critical at 0.5
  acc.add(rec({ faultyLoss: 4, faultyTop1: 3 })); // Δ 3: SDC, critical at both
  acc.add(rec({ faultyLoss: 0 })); // Δ |−1| = 1
  acc.add(rec({ faultyLoss: 1.5 })); // Δ 0.5: not above 0.5
  acc.add(rec({ faultyLoss: null, nonFinite: true, faultyTop1: 9 })); // DUE, top-1 not counted
  acc.add(rec({ faultyLoss: 7, detected: true })); // DUE
  // ΔLoss 1, 3, 1, 0.5: mean 1.375, m2 Σ(d − mean)² = 0.140625 + 2.640625 + 0.140625 + 0.765625
  assert.deepEqual(acc.tallies(), [
    { bit: null, weight: 1, n: 6, sdc: 1, due: 2, critical: [3, 1], finite: 4, mean: 1.375, m2: 3.6875 },
  ]);
});

test('an empty stratum has mean NaN and m2 0; one value has m2 0', () => {
  const empty = new LayerAccumulator('e').tallies()[0]!;
  assert.deepEqual(
    { ...empty, mean: 0 },
    { bit: null, weight: 1, n: 0, sdc: 0, due: 0, critical: [0, 0, 0], finite: 0, mean: 0, m2: 0 },
  );
  assert.ok(Number.isNaN(empty.mean));
  const one = new LayerAccumulator('o');
  one.add(rec({ faultyLoss: 1.25 }));
  assert.deepEqual([one.tallies()[0]!.mean, one.tallies()[0]!.m2], [0.25, 0]);
});

test('bit strata: one tally per bit of positive weight, drawn or not, in bit order', () => {
  const acc = new LayerAccumulator('b', { weights: [0.5, 0, 0.3, 0.2], tau: [1] });
  acc.add(rec({ layer: 'b', bit: 3, faultyLoss: 3 }));
  acc.add(rec({ layer: 'b', bit: 0, faultyTop1: 1, faultyLoss: 1.5 }));
  acc.add(rec({ layer: 'b', bit: 3, faultyLoss: 1 }));
  const t = acc.tallies();
  assert.deepEqual(
    t.map((s) => [s.bit, s.weight, s.n, s.sdc, s.critical, s.finite, s.m2]),
    [
      [0, 0.5, 1, 1, [0], 1, 0],
      [2, 0.3, 0, 0, [0], 0, 0],
      [3, 0.2, 2, 0, [1], 2, 2],
    ],
  );
  assert.deepEqual([t[0]!.mean, t[2]!.mean], [0.5, 1]);
  assert.ok(Number.isNaN(t[1]!.mean));
});

test('a record whose bit is outside the plan’s strata is a bad_file error naming the layer and the range', () => {
  const acc = new LayerAccumulator('conv1', { weights: [0.5, 0.5] });
  for (const bit of [2, -1, undefined]) {
    assert.throws(
      () => acc.add(rec({ layer: 'conv1', bit })),
      (e: unknown) =>
        e instanceof TgrError &&
        e.code === 'bad_file' &&
        e.message === `a record of layer 'conv1' has bit ${bit}; the plan's bit strata are 0..1`,
    );
  }
});

test('merging equals adding the records to one accumulator, stratum by stratum; different τ is refused', () => {
  const records = [0, 1, 2, 3, 4, 5, 6].map((i) =>
    rec({ bit: i % 2, faultyLoss: 1 + i * 0.75, faultyTop1: i % 3 === 0 ? 1 : 0, nonFinite: i === 5 }),
  );
  const opts = { weights: [0.5, 0.5] };
  const whole = new LayerAccumulator('l', opts);
  const [a, b] = [new LayerAccumulator('l', opts), new LayerAccumulator('l', opts)];
  records.forEach((r, i) => {
    whole.add(r);
    (i < 3 ? a : b).add(r);
  });
  a.merge(b);
  const strip = (acc: LayerAccumulator) =>
    acc.tallies().map(({ mean, m2, ...rest }) => ({ ...rest, mean: +mean.toFixed(12), m2: +m2.toFixed(12) }));
  assert.deepEqual(strip(a), strip(whole));
  assert.throws(
    () => a.merge(new LayerAccumulator('l', { tau: [1] })),
    /tgr internal error: merging tallies of l with different τ/,
  );
});

test('a campaign keeps one accumulator per layer; layers() follows the given order and names missing layers', () => {
  const c = new CampaignAccumulator({ tau: [1] });
  c.add(rec({ layer: 'fc' }));
  c.add(rec({ layer: 'conv', faultyLoss: 5 }));
  c.add(rec({ layer: 'fc', faultyTop1: 2 }));
  assert.deepEqual(
    c.layers().map((m) => [m.layer, m.injections, m.mismatches]),
    [
      ['fc', 2, 1],
      ['conv', 1, 0],
    ],
  );
  assert.deepEqual(
    c.layers(['conv', 'fc']).map((m) => m.layer),
    ['conv', 'fc'],
  );
  assert.deepEqual(c.layers(['conv'])[0]!.tau, [1]);
  assert.throws(
    () => c.layers(['head']),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'bad_argument' &&
      e.message === "no injection records for layer 'head'; layers with records: fc, conv",
  );
});
