import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPair, compareRuns, meanCorrectTop2diff } from '../../src/analysis/compare.js';
import { TgrError } from '../../src/core/errors.js';
import { readRun } from '../../src/analysis/run-dir.js';
import { addTinyModels, handPair, syntheticPair, tempDir, writeRun } from './fixtures.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('comparison of a hand-written pair matches hand-computed ratios', (t) => {
  const root = tempDir('compare');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { baseline, textGuided } = handPair(root);
  const c = compareRuns(readRun(baseline), readRun(textGuided));
  const fp32 = c.formats[0]!;
  assert.equal(fp32.format, 'fp32');
  // Baseline last = fc: mean(1, 3) = 2. Text-guided last = (4·mean(.2,.6) + 3·mean(.5,1.5)) / 7 = 4.6/7.
  close(fp32.baseline.lastLayer.deltaLoss, 2, 'baseline last ΔLoss');
  close(fp32.textGuided.lastLayer.deltaLoss, 4.6 / 7, 'text-guided last ΔLoss');
  close(fp32.improvement.lastLayer.ratio, 2 / (4.6 / 7), 'last-layer improvement');
  // Overall, like for like (two slots each, the last layer once): baseline (0.3 + 2) / 2; text-guided
  // (0.15 + 4.6/7) / 2.
  assert.deepEqual([fp32.baseline.overall.slots, fp32.textGuided.overall.slots], [2, 2]);
  close(fp32.improvement.overall.ratio, 1.15 / ((0.15 + 4.6 / 7) / 2), 'overall improvement');
  // Mismatch: baseline fc 2/2, text-guided (4·½ + 3·0)/7; overall (½ + 1)/2 vs (0 + 2/7)/2.
  close(fp32.mismatchRatio.lastLayer.ratio, 1 / (2 / 7), 'last-layer mismatch ratio');
  close(fp32.mismatchRatio.overall.ratio, 0.75 / (1 / 7), 'overall mismatch ratio');
  // Every verdict metric for both scopes: SDC, DUE, three critical thresholds, mean ΔLoss.
  assert.deepEqual(
    fp32.metrics.map((m) => `${m.scope}:${m.label}`),
    (['lastLayer', 'overall'] as const).flatMap((s) =>
      [
        'SDC rate (mismatch)',
        'DUE rate (non-finite or detected)',
        'critical (ΔLoss > 0.1)',
        'critical (ΔLoss > 1)',
        'critical (ΔLoss > 10)',
        "mean ΔLoss (the paper's)",
      ].map((l) => `${s}:${l}`),
    ),
  );
  // Critical (ΔLoss > 1) in the last layer: baseline fc {1, 3} → ½; text-guided latent {.2, .6} → 0, projection
  // {.5, 1.5} → ½, neuron-weighted 3/14.
  const crit = fp32.metrics.find((m) => m.scope === 'lastLayer' && m.tau === 1)!;
  close(crit.baseline.value, 0.5, 'baseline critical');
  close(crit.textGuided.value, 3 / 14, 'text-guided critical');
  assert.equal(crit.ratio.method, 'log-delta (stratified)');
  assert.equal(crit.side, 'straddles 1');
  assert.deepEqual(
    fp32.layers.map((l) => l.layer),
    ['conv1'],
  );
  close(fp32.layers[0]!.improvement.ratio, 2, 'conv1 improvement');
  // CIs from two injections per layer are wide; the interval still brackets the ratio.
  const ll = fp32.improvement.lastLayer;
  assert.ok(ll.lower <= ll.ratio && ll.ratio <= ll.upper);
  assert.equal(c.row.accBaseline, 0.75);
  assert.equal(c.row.accTextGuided, 1);
  close(c.row.top2diffChange, 25 - 20, 'Top2Diff change (points)');
  assert.equal(c.row.paramsChange, null); // no model.onnx, no counts in meta.json
  assert.equal(c.textGuided.encoder, 'offline');
  assert.equal(c.textGuided.descriptions, 'wordnet');
});

test('parameter and MAC differences come from meta.json when recorded', (t) => {
  const root = tempDir('compare-meta');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const one = { name: 'fc', neurons: 3, maxAbs: 1, meanAbs: 1, deltas: [1] };
  const common = { labels: [0], preds: [0], top2diff: [5], lastLayers: ['fc'], layers: [one] };
  const b = writeRun(join(root, 'b'), { ...common, head: 'linear', meta: { params: 1000, macs: 5000 } });
  const g = writeRun(join(root, 'g'), { ...common, head: 'text-guided', meta: { params: 900, macs: 5100 } });
  const c = compareRuns(readRun(b), readRun(g));
  assert.equal(c.row.paramsChange, -100);
  assert.equal(c.row.macsChange, 100);
});

test('runs on different images are refused with both folders named', (t) => {
  const root = tempDir('compare-mismatch');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const one = { name: 'fc', neurons: 3, maxAbs: 1, meanAbs: 1, deltas: [1] };
  const b = writeRun(join(root, 'b'), {
    head: 'linear',
    labels: [0],
    preds: [0],
    top2diff: [5],
    lastLayers: ['fc'],
    layers: [one],
  });
  const g = writeRun(join(root, 'g'), {
    head: 'text-guided',
    labels: [0, 1],
    preds: [0, 1],
    top2diff: [5, 5],
    lastLayers: ['fc'],
    layers: [one],
  });
  assert.throws(() => compareRuns(readRun(b), readRun(g)), /golden runs cover different images \(1 vs 2\)/);
});

test('a missing golden run names the file and the next step', () => {
  assert.throws(
    () => readRun(tempDir('empty')),
    /golden\.json: the golden run is missing; run 'tgr inject' on this run first/,
  );
});

test("without faults.jsonl the comparison recounts summary.json's tallies: the same metrics, no bit cells", (t) => {
  const root = tempDir('compare-summary');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { baseline, textGuided } = handPair(root);
  // With both files the stored tallies are the metrics and the records give the bit cells; another τ recounts them.
  const fromRecords = compareRuns(readRun(baseline), readRun(textGuided)).formats[0]!;
  assert.equal(fromRecords.baseline.source, 'summary.json');
  assert.ok(fromRecords.baseline.bits!.length > 0);
  const recount = compareRuns(readRun(baseline), readRun(textGuided), { tau: [2] }).formats[0]!;
  assert.equal(recount.baseline.source, 'faults.jsonl');
  assert.deepEqual(
    recount.baseline.layers.map((l) => [l.layer, l.injections, l.deltaLoss]),
    fromRecords.baseline.layers.map((l) => [l.layer, l.injections, l.deltaLoss]),
  );
  rmSync(join(baseline, 'campaign', 'fp32', 'faults.jsonl'));
  const f = compareRuns(readRun(baseline), readRun(textGuided)).formats[0]!;
  assert.equal(f.baseline.source, 'summary.json');
  assert.equal(f.baseline.bits, null);
  const { source: _s, bits: _b, ...viaSummary } = f.baseline;
  const { source: _s2, bits: _b2, ...viaRecords } = fromRecords.baseline;
  assert.deepEqual(viaSummary, viaRecords);
  assert.deepEqual(f.metrics, fromRecords.metrics);
  assert.throws(
    () => compareRuns(readRun(baseline), readRun(textGuided), { tau: [2] }),
    /--tau 2: .*summary\.json was tallied with τ = 0\.1,1,10 and faults\.jsonl is gone, so it cannot be recounted; pass --tau 0\.1,1,10/,
  );
  // A summary.json of older tgr (no tallies) fails its schema: refused where it is read, naming the field.
  const path = join(baseline, 'campaign', 'fp32', 'summary.json');
  const old = JSON.parse(readFileSync(path, 'utf8'));
  for (const l of old.layers) delete l.strata;
  writeFileSync(path, JSON.stringify(old));
  assert.throws(
    () => readRun(baseline),
    /summary\.json: not a valid summary\.json: layers\[0\]\.strata: Invalid input: expected array, received undefined — re-create it with 'tgr inject'/,
  );
});

test('a bit-stratified campaign is read with its strata: every estimate and interval is the stratified one', (t) => {
  const root = tempDir('compare-strata');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = syntheticPair(root, { perLayer: 64, stratified: true });
  // The fixture has no plan.json, so the strata come from summary.json's tallies.
  for (const run of [pair.baseline, pair.textGuided]) rmSync(join(run, 'campaign', 'fp32', 'faults.jsonl'));
  const f = compareRuns(readRun(pair.baseline), readRun(pair.textGuided)).formats[0]!;
  assert.deepEqual([f.baseline.stratify, f.textGuided.stratify], ['bit', 'bit']);
  const conv1 = f.baseline.layers[0]!;
  assert.deepEqual(
    conv1.strata.map((s) => [s.bit, s.weight, s.n]),
    Array.from({ length: 32 }, (_, b) => [b, 1 / 32, 2]),
  );
  close(
    conv1.mismatchRate,
    conv1.strata.reduce((a, s) => a + s.sdc / s.n / 32, 0),
    'stratified SDC rate',
  );
  assert.equal(conv1.sdc.method, 'korn-graubard');
  assert.equal(conv1.meanDeltaLoss.method, 'stratified-normal');
  const sdc = f.metrics.find((m) => m.scope === 'overall' && m.metric === 'sdc')!;
  assert.ok(['log-delta (stratified)', 'bonferroni-exact'].includes(sdc.ratio.method), sdc.ratio.method);
});

test('mean Top2Diff counts correct images only', () => {
  const g = { labels: [0, 1, 2, 0, 1], preds: [0, 1, 2, 1, 0], top2diff: [2, 15, 40, 90, 5] };
  assert.equal(meanCorrectTop2diff(g), (2 + 15 + 40) / 3);
  assert.ok(Number.isNaN(meanCorrectTop2diff({ labels: [1], preds: [0], top2diff: [9] })));
});

test('without counts in meta.json, parameters and MACs come from model.onnx', async (t) => {
  const root = tempDir('compare-model');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  addTinyModels(pair);
  const c = compareRuns(readRun(pair.baseline), readRun(pair.textGuided));
  // The tiny CNNs differ only in their head's name: same size.
  assert.equal(c.baseline.params, 36 + 144 + 12);
  assert.equal(c.row.paramsChange, 0);
  assert.equal(c.row.macsChange, 0);
});

test('a run compared with itself, the same model twice, or swapped heads are refused with what to pass', (t) => {
  const root = tempDir('compare-pair');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const one = { name: 'fc', neurons: 3, maxAbs: 1, meanAbs: 1, deltas: [1] };
  const common = { labels: [0], preds: [0], top2diff: [5], lastLayers: ['fc'], layers: [one] };
  const b = readRun(writeRun(join(root, 'b'), { ...common, head: 'linear' }));
  const g = readRun(writeRun(join(root, 'g'), { ...common, head: 'text-guided' }));
  const refused = (x: typeof b, y: typeof b, message: string) =>
    assert.throws(
      () => compareRuns(x, y),
      (e) => e instanceof TgrError && e.code === 'bad_argument' && e.message === message,
    );
  refused(b, b, `${b.dir} was given as both runs; pass the baseline run, then the text-guided run`);
  const copy = { ...g, dir: join(root, 'copy'), golden: { ...g.golden, model: { ...b.golden.model } } };
  refused(
    b,
    copy,
    `${b.dir} and ${copy.dir} hold the same model (sha256 ${b.golden.model.sha256.slice(0, 12)}…); pass the baseline run, then the text-guided run`,
  );
  const swapped = ` — the arguments look swapped: try 'tgr compare ${b.dir} ${g.dir}'`;
  refused(g, b, `the baseline ${g.dir} has a text-guided head; the first run must have a linear head${swapped}`);
  const b2 = readRun(writeRun(join(root, 'b2'), { ...common, head: 'linear' }));
  refused(b, b2, `the text-guided run ${b2.dir} has a linear head; the second run must have a text-guided head`);
  // Heads tgr did not write (any ONNX classifier) are taken as given.
  const unknown = (r: typeof b) => ({
    ...r,
    meta: {},
    golden: { ...r.golden, model: { ...r.golden.model, head: 'unknown' } },
  });
  assert.doesNotThrow(() => checkPair(unknown(g), unknown(b)));
});
