import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Model } from '../../src/onnx/types.js';
import { planCampaign, type Target } from '../../src/faults/plan.js';
import { runCampaign } from '../../src/faults/runner.js';
import { PlainInjector, WeightPlain } from '../../src/faults/plain.js';
import { rangeClamp, withRangeDetector } from '../../src/faults/range-detector.js';
import { readRecords } from '../../src/faults/store.js';
import type { EvalPath } from '../../src/faults/injector.js';
import { join } from 'node:path';
import { UnitForward } from '../../src/faults/unit-cache.js';
import { goldenRun, readGoldenActivations } from '../../src/faults/golden.js';
import { attentionNet, residualNet } from './nets.js';
import { fixture, tempDir, type Fixture } from './fixtures.js';

/** |a − b| ≤ 1e-5 · max(1, max |b| of the row); non-finite values must match exactly (NaN with NaN). */
function assertClose(a: Float32Array, b: Float32Array, what: string): void {
  let scale = 1;
  for (const v of b) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  a.forEach((x, j) => {
    const y = b[j]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return assert.ok(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)), `${what}[${j}]: ${x} vs ${y}`);
    assert.ok(Math.abs(x - y) <= 1e-5 * scale, `${what}[${j}]: runner ${x}, plain ${y}`);
  });
}

/**
 * Runs a campaign and recomputes every fault on the plain path — the whole model with the one element (or weight)
 * changed — returning the paths the runner took per layer.
 */
async function checkAgainstPlain(fx: Fixture, target: Target, rangeDetector: boolean): Promise<Map<string, Record<EvalPath, number>>> {
  const { classifier: clf, golden, images } = fx;
  const plan = planCampaign({ classifier: clf, golden, perLayer: 24, target, rangeDetector, seed: 7, batchSize: 16 });
  const dir = tempDir('exact');
  const scores = new Map<number, { s: Float32Array; path: EvalPath }>();
  await runCampaign({ classifier: clf, golden, plan, images, dir, quiet: true, onScores: (id, s, path) => scores.set(id, { s: s.slice(), path }) });
  const records = readRecords(join(dir, 'faults.jsonl'));
  assert.equal(records.length, plan.sites.layer.length);
  const model: Model = rangeDetector
    ? { ...clf.model, graph: withRangeDetector(clf.model.graph, new Map(golden.layers.map((l) => [l.tensor, l.maxAbs])), clf.model.opset) }
    : clf.model;
  const K = clf.output.classes;
  const byLayer = new Map<string, Record<EvalPath, number>>();
  for (const [li, pl] of plan.layers.entries()) {
    const recs = records.filter((r) => r.layer === pl.name);
    const counts = { masked: 0, analytic: 0, suffix: 0, plain: 0 };
    recs.forEach((r) => counts[scores.get(r.id)!.path]++);
    byLayer.set(pl.name, counts);
    const layer = clf.layers.find((l) => l.name === pl.name)!;
    let plain: Float32Array;
    if (target === 'neurons') {
      const inj = await PlainInjector.create(clf, model, layer.tensor);
      const value = (v: number) => (rangeDetector ? rangeClamp(v, pl.bound) : v);
      plain = await inj.run(await images.pixels(recs.map((r) => r.image)), recs.map((r) => ({ index: Int32Array.of(r.index), value: Float32Array.of(value(r.faulty)) })));
      await inj.release();
    } else {
      const wp = await WeightPlain.create(clf, model, layer.weight!);
      plain = new Float32Array(recs.length * K);
      for (const [k, r] of recs.entries()) plain.set(await wp.run(await images.pixels([r.image]), 1, r.index, r.faulty), k * K);
      await wp.release();
    }
    recs.forEach((r, k) => assertClose(scores.get(r.id)!.s, plain.subarray(k * K, (k + 1) * K), `${pl.name} fault ${r.id} (${scores.get(r.id)!.path})`));
    assert.ok(li >= 0);
  }
  return byLayer;
}

const sum = (m: Map<string, Record<EvalPath, number>>, p: EvalPath, layers?: string[]) =>
  [...m].filter(([l]) => !layers || layers.includes(l)).reduce((s, [, c]) => s + c[p], 0);

test('ResNet-like net, neuron faults: runner equals the plain full-model computation; masked and logit shortcuts taken', async () => {
  const fx = await fixture(residualNet());
  for (const rd of [false, true]) {
    const paths = await checkAgainstPlain(fx, 'neurons', rd);
    assert.ok(sum(paths, 'masked') > 20, `masked shortcut taken (range detector ${rd})`);
    assert.equal(sum(paths, 'analytic', ['fc']), 24, 'every fc fault is analytic');
    assert.ok(sum(paths, 'suffix') > 20);
  }
});

test('ViT-like net, neuron faults: runner equals the plain path; rank-one latent and projection shortcuts taken', async () => {
  const fx = await fixture(attentionNet());
  const paths = await checkAgainstPlain(fx, 'neurons', false);
  assert.ok(sum(paths, 'analytic', ['head.latent']) >= 18, 'latent faults are rank-one updates (overflowing ones run the suffix)');
  assert.equal(sum(paths, 'analytic', ['head.projection']), 24);
  assert.ok(sum(paths, 'suffix') > 100);
  const checked = await checkAgainstPlain(fx, 'neurons', true);
  assert.equal(sum(checked, 'analytic', ['head.latent']), 0, 'with a detector on the projection the latent is not analytic');
});

test('weight faults on both nets: runner equals rerunning the model with the weight changed', async () => {
  const res = await checkAgainstPlain(await fixture(residualNet(), 12), 'weights', false);
  assert.ok(sum(res, 'masked') > 0, 'a weight fault whose whole output plane dies at the ReLU is skipped');
  assert.ok(sum(res, 'analytic', ['fc']) >= 20, 'an fc weight moves one logit: analytic');
  const vit = await checkAgainstPlain(await fixture(attentionNet(), 12), 'weights', true);
  assert.ok(sum(vit, 'suffix') > 0);
});

test('last layers served from the activations the golden pass kept: no forward pass, same scores as the plain path', async () => {
  for (const net of [residualNet(), attentionNet()]) {
    const fx = await fixture(net, 12);
    const dir = tempDir('kept');
    const golden = await goldenRun({ classifier: fx.classifier, images: fx.images, quiet: true, out: join(dir, 'golden.json') });
    const activations = readGoldenActivations(join(dir, 'golden.json'), golden);
    assert.ok(fx.classifier.lastLayers.every((l) => activations.has(l)) && activations.has('logits'));
    const plan = planCampaign({ classifier: fx.classifier, golden, perLayer: 30, layers: fx.classifier.lastLayers, seed: 2 });
    const created = UnitForward.create;
    let forwards = 0;
    UnitForward.create = ((...a: Parameters<typeof created>) => ((forwards += 1), created(...a))) as typeof created;
    const scores = new Map<number, Float32Array>();
    try {
      await runCampaign({ ...fx, golden, plan, dir, quiet: true, activations, onScores: (id, s, path) => path === 'analytic' && scores.set(id, s.slice()) });
    } finally {
      UnitForward.create = created;
    }
    assert.equal(forwards, 0, 'no forward pass (only a suffix for the few latent faults that overflow fp32)');
    assert.ok(scores.size >= 0.9 * plan.sites.layer.length, `analytic faults: ${scores.size}`);
    const K = fx.classifier.output.classes;
    for (const r of readRecords(join(dir, 'faults.jsonl')).filter((x) => scores.has(x.id))) {
      const plain = await PlainInjector.create(fx.classifier, fx.classifier.model, r.layer);
      const p = await plain.run(await fx.images.pixels([r.image]), [{ index: Int32Array.of(r.index), value: Float32Array.of(r.faulty) }]);
      await plain.release();
      assertClose(scores.get(r.id)!, p.subarray(0, K), `${r.layer} fault ${r.id}`);
    }
  }
});
