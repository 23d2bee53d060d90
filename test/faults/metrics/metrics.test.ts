import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CampaignAccumulator, LayerAccumulator } from '../../../src/faults/metrics/layer-accumulator.js';
import {
  combineLayers,
  layerMetricsColumns,
  overallMetrics,
  type LayerMetrics,
  type MetricsRecord,
} from '../../../src/faults/metrics/metrics.js';
import { clopperPearson } from '../../../src/stats/clopper-pearson.js';

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
  assert.deepEqual(Object.keys(m).slice(0, layerMetricsColumns.length), [...layerMetricsColumns]);
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
  // Bit-stratified tallies merge the same way, stratum by stratum.
  const opts = { weights: [0.25, 0.25, 0.25, 0.25] };
  const byBit = records.map((r, i) => ({ ...r, bit: i % 4 }));
  const wholeBits = new CampaignAccumulator(opts);
  for (const r of byBit) wholeBits.add(r);
  const mergedBits = new CampaignAccumulator(opts);
  const bitShards = [new CampaignAccumulator(opts), new CampaignAccumulator(opts)];
  byBit.forEach((r, i) => bitShards[i % 2]!.add(r));
  for (const s of bitShards) mergedBits.merge(s);
  const [x, y] = [wholeBits.layers(['fc'])[0]!, mergedBits.layers(['fc'])[0]!];
  assert.deepEqual(
    x.strata.map((s) => [s.n, s.sdc, s.due, s.critical, s.finite]),
    y.strata.map((s) => [s.n, s.sdc, s.due, s.critical, s.finite]),
  );
  close(x.deltaLoss, y.deltaLoss);
  close(x.deltaLossCi, y.deltaLossCi);
  assert.equal(x.sdc.method, 'korn-graubard');
  assert.deepEqual(
    whole.layers().map((m) => m.layer),
    ['conv1', 'fc'],
  );
  assert.throws(() => whole.layers(['head']), /no injection records for layer 'head'; layers with records: conv1, fc/);
});

/** A layer whose records give exactly these tallies: `mismatch` of n SDCs, ΔLoss values `deltas`, `due` DUEs. */
function layerOf(name: string, deltas: number[], mismatch: number, due = 0): LayerMetrics {
  const acc = new LayerAccumulator(name);
  deltas.forEach((d, i) => acc.add(rec(name, 0, i < mismatch ? 1 : 0, 0.5, 0.5 + d)));
  for (let i = 0; i < due; i++) acc.add(rec(name, 0, 0, 0.5, NaN, true));
  return acc.summary();
}

test('the text-guided last layer is the neuron-weighted mean of latent and projection, CIs in quadrature', () => {
  // E = 300 latent neurons, C = 100 classes: weights 3/4 and 1/4.
  const latent = layerOf('latent', [0.1, 0.3, 0.2, 0.2], 1); // ΔLoss 0.2, SDC ¼
  const proj = layerOf('proj', [0.5, 0.7, 0.4, 0.8], 3); // ΔLoss 0.6, SDC ¾
  const c = combineLayers('latent+proj', [
    { metrics: latent, neurons: 300 },
    { metrics: proj, neurons: 100 },
  ]);
  close(c.deltaLoss, 0.75 * 0.2 + 0.25 * 0.6); // 0.3
  close(c.deltaLossCi, Math.sqrt((0.75 * latent.deltaLossCi) ** 2 + (0.25 * proj.deltaLossCi) ** 2));
  close(c.mismatchRate, 0.75 * 0.25 + 0.25 * 0.75);
  // Korn–Graubard over the two strata: var = (¾)²·(¼·¾)/4 + (¼)²·(¾·¼)/4
  const v = (0.5625 * 0.1875 + 0.0625 * 0.1875) / 4;
  close(c.sdc.se, Math.sqrt(v));
  close(c.mismatchCi, 2.576 * Math.sqrt(v));
  assert.equal(c.sdc.method, 'korn-graubard');
  assert.deepEqual(
    c.strata.map((x) => x.weight),
    [0.75, 0.25],
  );
  assert.equal(c.injections, 8);
  assert.throws(() => combineLayers('x', [{ metrics: latent, neurons: 0 }]), /positive neuron counts; got latent=0/);
});

test('overall is like for like: the mean over layer slots, the combined last layer counted once', () => {
  const conv = layerOf('conv', [0.1, 0.1], 0);
  const latent = layerOf('latent', [0.2, 0.4], 1);
  const proj = layerOf('proj', [1, 3], 2);
  const last = combineLayers('latent+proj', [
    { metrics: latent, neurons: 1 },
    { metrics: proj, neurons: 1 },
  ]); // ΔLoss (0.3 + 2)/2 = 1.15, SDC (½ + 1)/2 = ¾
  const o = overallMetrics([conv, latent, proj], last, ['latent', 'proj']);
  assert.equal(o.slots, 2);
  close(o.deltaLoss, (0.1 + 1.15) / 2);
  close(o.deltaLossCi, Math.sqrt(conv.deltaLossCi ** 2 + last.deltaLossCi ** 2) / 2);
  close(o.mismatchRate, (0 + 0.75) / 2);
  assert.deepEqual(
    o.strata.map((x) => x.weight),
    [0.5, 0.25, 0.25],
  );
  // A campaign without its last layers: every layer is a slot.
  assert.equal(overallMetrics([conv], null, ['latent', 'proj']).slots, 1);
  assert.throws(() => overallMetrics([], null, []), /at least one layer/);
});

test('a detected fault is a DUE: never an SDC, never critical, left out of ΔLoss', () => {
  const acc = new LayerAccumulator('d');
  acc.add({ ...rec('d', 1, 2, 0.5, 9), detected: true });
  acc.add(rec('d', 1, 1, 0.5, 0.75));
  const m = acc.summary();
  assert.deepEqual([m.injections, m.nonFinite, m.mismatches, m.finite, m.deltaLoss], [2, 1, 0, 1, 0.25]);
  assert.deepEqual(
    m.strata.map((s) => s.critical),
    [[1, 0, 0]],
  );
  assert.deepEqual({ lower: m.due.lower, upper: m.due.upper }, clopperPearson(1, 2, 0.99));
});

test('critical-fault rates P(ΔLoss > τ) with exact intervals, for the default and for given thresholds', () => {
  const acc = new LayerAccumulator('a');
  for (const r of recordsA) acc.add(r); // finite ΔLoss 0.2, 2.0, 0, 0.4 of 5 injections
  const m = acc.summary();
  assert.deepEqual(m.tau, [0.1, 1, 10]);
  assert.deepEqual(
    m.critical.map((c) => c.value),
    [3 / 5, 1 / 5, 0],
  );
  assert.deepEqual({ lower: m.critical[1]!.lower, upper: m.critical[1]!.upper }, clopperPearson(1, 5, 0.99));
  close(m.critical[2]!.upper, 1 - 0.005 ** (1 / 5));
  const custom = new LayerAccumulator('a', { tau: [0.3] });
  for (const r of recordsA) custom.add(r);
  assert.deepEqual(
    custom.summary().critical.map((c) => c.value),
    [2 / 5],
  );
});

test('bit-stratified tallies: every estimate is the stratified one; an unsampled bit leaves it undefined', () => {
  const weights = [0.25, 0.25, 0.25, 0.25];
  const acc = new LayerAccumulator('s', { weights });
  // bit 0: 2 draws, 1 SDC; bit 1: 4 draws, 0 SDC; bit 2: 2 draws, both SDC; bit 3: 2 draws, DUE one.
  const add = (bit: number, mismatch: boolean, d: number | null) =>
    acc.add({ ...rec('s', 0, mismatch ? 1 : 0, 0.5, d === null ? NaN : 0.5 + d, d === null), bit });
  add(0, true, 1);
  add(0, false, 0);
  for (let i = 0; i < 4; i++) add(1, false, 0.1 * i);
  add(2, true, 2);
  add(2, true, 4);
  add(3, false, null);
  add(3, false, 0.5);
  const m = acc.summary();
  close(m.mismatchRate, 0.25 * (0.5 + 0 + 1 + 0));
  close(m.nonFiniteRate, 0.25 * 0.5);
  // ΔLoss: strata weighted by W_h × finite share: bit 3 has half its draws finite.
  const w = [0.25, 0.25, 0.25, 0.125];
  const means = [0.5, 0.15, 3, 0.5];
  close(m.deltaLoss, w.reduce((a, x, i) => a + x * means[i]!, 0) / 0.875);
  assert.equal(m.meanDeltaLoss.method, 'stratified-normal');
  assert.deepEqual(
    m.strata.map((s) => [s.bit, s.n]),
    [
      [0, 2],
      [1, 4],
      [2, 2],
      [3, 2],
    ],
  );
  const gap = new LayerAccumulator('g', { weights });
  gap.add({ ...rec('g', 0, 0, 0.5, 0.6), bit: 0 });
  assert.ok(Number.isNaN(gap.summary().mismatchRate));
  assert.throws(
    () => gap.add(rec('g', 0, 0, 0.5, 0.6)),
    /a record of layer 'g' has bit undefined; the plan's bit strata are 0\.\.3/,
  );
});
