import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CampaignAccumulator,
  LayerAccumulator,
  combineLayers,
  layerMetricsColumns,
  overallMetrics,
  type LayerMetrics,
  type MetricsRecord,
} from '../../src/faults/metrics.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const rec = (layer: string, g: number, f: number, gl: number, fl: number, nonFinite = false): MetricsRecord => ({
  layer,
  goldenTop1: g,
  faultyTop1: f,
  goldenLoss: gl,
  faultyLoss: fl,
  nonFinite,
});

// Layer 'a': ΔLoss over finite records = [0.2, 2.0, 0, 0.4]; one mismatch; one non-finite (its top-1 differs too).
const recordsA = [
  rec('a', 1, 1, 0.5, 0.7),
  rec('a', 1, 2, 0.5, 2.5),
  rec('a', 1, 1, 0.5, 0.5),
  rec('a', 1, 7, 0.5, NaN, true),
  rec('a', 3, 3, 1.0, 0.6),
];

test('layer metrics against a hand computation', () => {
  const acc = new LayerAccumulator('a');
  for (const r of recordsA) acc.add(r);
  const m = acc.summary();
  assert.equal(m.injections, 5);
  assert.equal(m.mismatches, 1); // the non-finite injection is a DUE, not a mismatch
  assert.equal(m.nonFinite, 1);
  assert.equal(m.nonFiniteRate, 0.2);
  assert.equal(m.finite, 4);
  assert.equal(m.mismatchRate, 0.2); // over all 5 injections
  close(m.mismatchCi, 2.576 * Math.sqrt((0.2 * 0.8) / 5)); // 0.46080888880315674
  close(m.deltaLoss, 0.65);
  close(m.deltaLossCi, 1.1781269654271849); // 2.576 · √(2.51/3) / √4
});

test('a null or non-finite faulty loss counts as non-finite even without the flag', () => {
  const acc = new LayerAccumulator('n');
  acc.add({ ...rec('n', 1, 1, 0.5, 0), faultyLoss: null });
  acc.add(rec('n', 1, 2, 0.5, Infinity));
  acc.add(rec('n', 1, 1, 0.5, 0.75));
  const m = acc.summary();
  assert.deepEqual([m.injections, m.nonFinite, m.mismatches, m.finite, m.deltaLoss], [3, 2, 0, 1, 0.25]);
});

test('undefined statistics are NaN, which JSON writes as null', () => {
  const acc = new LayerAccumulator('x');
  acc.add(rec('x', 0, 0, 1, 1.5));
  const m = acc.summary();
  assert.equal(m.deltaLoss, 0.5);
  assert.ok(Number.isNaN(m.deltaLossCi));
  assert.equal(JSON.parse(JSON.stringify(m)).deltaLossCi, null);
  assert.deepEqual(Object.keys(m), [...layerMetricsColumns]);
});

test('a campaign split into shards and merged gives the single-run metrics', () => {
  const records: MetricsRecord[] = [];
  for (let i = 0; i < 1000; i++)
    records.push(
      rec(
        i % 3 === 0 ? 'conv1' : 'fc',
        i % 10,
        (i * 7) % 11 === 0 ? 1 : i % 10,
        0.1 * (i % 13),
        0.1 * (i % 13) + Math.sin(i),
        i % 97 === 0,
      ),
    );
  const whole = new CampaignAccumulator();
  for (const r of records) whole.add(r);
  const shards = [new CampaignAccumulator(), new CampaignAccumulator(), new CampaignAccumulator()];
  records.forEach((r, i) => shards[i % 3]!.add(r));
  const merged = new CampaignAccumulator();
  for (const s of shards) merged.merge(s);
  const a = whole.layers(['fc', 'conv1']);
  const b = merged.layers(['fc', 'conv1']);
  for (let i = 0; i < a.length; i++) {
    for (const k of layerMetricsColumns) {
      if (typeof a[i]![k] === 'number') close(b[i]![k] as number, a[i]![k] as number, 1e-12);
      else assert.equal(b[i]![k], a[i]![k]);
    }
  }
  assert.deepEqual(
    whole.layers().map((m) => m.layer),
    ['conv1', 'fc'],
  );
  assert.throws(() => whole.layers(['head']), /no injection records for layer 'head'; layers with records: conv1, fc/);
});

const layer = (
  name: string,
  deltaLoss: number,
  deltaLossCi: number,
  mismatchRate: number,
  mismatchCi: number,
): LayerMetrics => ({
  layer: name,
  injections: 100,
  mismatches: Math.round(mismatchRate * 100),
  mismatchRate,
  mismatchCi,
  nonFinite: 1,
  nonFiniteRate: 0.01,
  finite: 99,
  deltaLoss,
  deltaLossCi,
});

test('the text-guided last layer is the neuron-weighted mean of latent and projection, CIs in quadrature', () => {
  // E = 300 latent neurons, C = 100 classes: weights 3/4 and 1/4.
  const latent = layer('latent', 0.2, 0.04, 0.1, 0.02);
  const proj = layer('proj', 0.6, 0.08, 0.3, 0.04);
  const c = combineLayers('latent+proj', [
    { metrics: latent, neurons: 300 },
    { metrics: proj, neurons: 100 },
  ]);
  close(c.deltaLoss, 0.75 * 0.2 + 0.25 * 0.6); // 0.3
  close(c.deltaLossCi, Math.sqrt((0.75 * 0.04) ** 2 + (0.25 * 0.08) ** 2)); // √(0.0009 + 0.0004)
  close(c.mismatchRate, 0.15);
  close(c.mismatchCi, Math.sqrt((0.75 * 0.02) ** 2 + (0.25 * 0.04) ** 2));
  assert.equal(c.injections, 200);
  assert.equal(c.nonFinite, 2);
  close(c.nonFiniteRate, 0.01);
  assert.throws(() => combineLayers('x', [{ metrics: latent, neurons: 0 }]), /positive neuron counts; got latent=0/);
});

test('overall is the plain mean over layers with CI √Σci² / L', () => {
  const o = overallMetrics([layer('a', 0.1, 0.03, 0.05, 0.01), layer('b', 0.3, 0.04, 0.15, 0.02)]);
  close(o.deltaLoss, 0.2);
  close(o.deltaLossCi, 0.025); // √(0.0009 + 0.0016) / 2
  close(o.mismatchRate, 0.1);
  close(o.mismatchCi, Math.sqrt(0.0001 + 0.0004) / 2);
  assert.deepEqual([o.layers, o.injections, o.nonFinite], [2, 200, 2]);
  assert.throws(() => overallMetrics([]), /at least one layer/);
});
