import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  analyticBounds,
  analyticMargin,
  crossEntropyRange,
  deltaLossBound,
  f32Up,
  guardTrips,
  textGuidedHead,
  profiledBounds,
  profiledMargin,
  withScoreProfile,
} from '../../../src/faults/run/guard.js';
import { goldenRun, readGoldenActivations } from '../../../src/faults/run/golden.js';
import { planCampaign, type CampaignPlan } from '../../../src/faults/plan/plan.js';
import { readPlan, writePlan } from '../../../src/faults/plan/plan-file.js';
import { parseRecord, readRecords, recordLine } from '../../../src/faults/store/store.js';
import { runCampaign } from '../../../src/faults/run/runner.js';
import { summarize } from '../../../src/faults/metrics/summarize.js';
import type { InjectionRecord } from '../../../src/faults/store/records.js';
import { TgrError } from '../../../src/core/errors.js';
import { attentionNet, foreignExport, residualNet } from '../nets.js';
import { buildModel } from '../../../src/models/registry.js';
import { loadClassifier } from '../../../src/faults/model/classifier.js';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';
import type { Model } from '../../../src/onnx/types.js';
import { Rng } from '../../../src/core/rng.js';
import { Session } from '../../../src/engine/session.js';
import { fixture, tempDir } from '../fixtures.js';
import { checkAgainstPlain, sum } from '../plain-check.js';

const vit = fixture(attentionNet(), 16);
const cnn = fixture(residualNet(), 16);

test('analytic bounds: exp(s)·‖P_c‖ from the weights, rounded up by the stated fp32 margin', async () => {
  const { classifier } = await vit;
  const g = attentionNet().graph;
  const P = g.initializers.get('head.projection.weight')!.data as Float32Array;
  const s = (g.initializers.get('head.logit_scale')!.data as Float32Array)[0]!;
  const bounds = analyticBounds(classifier);
  assert.equal(bounds.length, 5);
  bounds.forEach((b, c) => {
    let ss = 0;
    for (let e = 0; e < 6; e++) ss += P[c * 6 + e]! ** 2;
    // exp(s) is folded by ORT in fp32: within an ulp of Math.exp.
    const exact = Math.fround(Math.exp(s)) * Math.sqrt(ss);
    const margin = analyticMargin(6, 1);
    assert.equal(Math.fround(b), b, 'an fp32 value');
    assert.ok(b >= exact * (1 + margin) * (1 - 2 ** -23), `class ${c}: ${b} below ${exact}·(1 + margin)`);
    assert.ok(b <= exact * (1 + margin) * (1 + 2 ** -22), `class ${c}: ${b} far above ${exact}`);
  });
  assert.equal(analyticMargin(512, 1), (2 * 512 + 18) * 2 ** -24);
  assert.equal(f32Up(1), 1);
  assert.equal(f32Up(1 + 2 ** -30), 1 + 2 ** -23);
});

test('analytic guard refuses a head without a bound in one line; the profiled guard takes the golden max |score|', async () => {
  const { classifier, golden, images } = await cnn;
  assert.throws(
    () => analyticBounds(classifier),
    (e: unknown) =>
      e instanceof TgrError &&
      e.message ===
        `--guard analytic: resnet_like.onnx (head 'linear') has no text-guided head (scores = exp(s)·(f/‖f‖)·Pᵀ after a layer), so its logits have no bound from the weights — use --guard profiled`,
  );
  assert.throws(() => planCampaign({ classifier, golden, perLayer: 2, guard: 'analytic' }), /use --guard profiled/);
  assert.throws(() => planCampaign({ classifier, golden, perLayer: 2, guard: 'strict' }), /unknown guard \(--guard\)/);
  const dir = tempDir('guard-golden');
  const g = await goldenRun({ classifier, images, quiet: true, out: join(dir, 'golden.json') });
  const scores = readGoldenActivations(join(dir, 'golden.json'), g).get('logits')!.data;
  const max = Array.from({ length: 10 }, (_, c) => {
    let m = 0;
    for (let r = 0; r < g.indices.length; r++) m = Math.max(m, Math.abs(scores[r * 10 + c]!));
    return m;
  });
  assert.deepEqual(g.scoreMaxAbs, max);
  assert.deepEqual(
    profiledBounds(g),
    max.map((m) => f32Up(m * (1 + profiledMargin))),
  );
  const { scoreMaxAbs: _, ...old } = g;
  assert.throws(() => profiledBounds(old), /golden.json has no per-class score profile/);
  assert.deepEqual(withScoreProfile(old, join(dir, 'golden.json'), 'logits').scoreMaxAbs, max, 'from kept scores');
  assert.equal(withScoreProfile(g, join(dir, 'golden.json'), 'logits'), g);
});

test('cross-entropy range under the bounds is the exact min and max over the box (checked on every vertex)', () => {
  const bounds = [1.5, 0.25, 3, 2, 0.75];
  for (let y = 0; y < bounds.length; y++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let v = 0; v < 1 << bounds.length; v++) {
      const z = bounds.map((b, c) => ((v >> c) & 1 ? b : -b));
      const m = Math.max(...z);
      const ce = m + Math.log(z.reduce((s, x) => s + Math.exp(x - m), 0)) - z[y]!;
      lo = Math.min(lo, ce);
      hi = Math.max(hi, ce);
    }
    const r = crossEntropyRange(bounds, y);
    assert.ok(Math.abs(r.min - lo) < 1e-14 && Math.abs(r.max - hi) < 1e-13, `label ${y}: ${JSON.stringify(r)}`);
    assert.ok(r.min >= 0 && r.max <= Math.log(bounds.reduce((s, b) => s + Math.exp(b), 0)) + 3);
    assert.equal(deltaLossBound(bounds, y, 0.5), Math.max(0.5 - r.min, r.max - 0.5));
  }
  assert.equal(guardTrips([1, 2], [1, -2]), false, 'a score on its bound passes');
  assert.equal(guardTrips([1, 2], [1, -2.0000001]), true);
  assert.equal(guardTrips([1, 2], [NaN, 0]), true);
  assert.equal(guardTrips([1, 2], [0, -Infinity]), true);
});

/**
 * Checks the guard's promises on a campaign's records: undetected ΔLoss within the proven bounds. Under the analytic
 * guard a fault before the normalisation cannot push a finite score past its bound, so there detected ⇔ non-finite.
 */
function provenBoundHolds(plan: CampaignPlan, records: InjectionRecord[]): void {
  for (const r of records) {
    if (r.masked) assert.ok(!r.detected, `masked fault ${r.id} detected`);
    if (r.nonFinite) assert.ok(r.detected, `non-finite fault ${r.id} not detected`);
    if (plan.guard === 'analytic' && !r.layer.endsWith('head.projection'))
      assert.equal(r.detected ?? false, r.nonFinite, `fault ${r.id} (${r.layer}) before the normalisation`);
    if (r.detected) continue;
    const d = Math.abs(r.faultyLoss! - r.goldenLoss);
    const mine = deltaLossBound(plan.guardBounds!, r.goldenTop1, r.goldenLoss);
    assert.ok(d <= mine && mine <= plan.guardDeltaLossBound!, `fault ${r.id} (${r.layer} bit ${r.bit}): ΔLoss ${d}`);
  }
}

test('analytic guard, every bit of head and backbone sites: runner = plain path, detections exactly where a score leaves its bound, undetected ΔLoss within the proven bound', async () => {
  const fx = await vit;
  let records: InjectionRecord[] = [];
  const layers = ['head.latent', 'head.projection', 'mlp.fc2', 'attn.q', 'patch'];
  const paths = await checkAgainstPlain(fx, 'neurons', false, {
    perLayer: 64,
    layers,
    guard: 'analytic',
    everyBit: true,
    inspect: (plan, recs) => {
      assert.equal(plan.guard, 'analytic');
      provenBoundHolds(plan, recs);
      records = recs;
    },
  });
  assert.ok(sum(paths, 'analytic', ['head.latent']) >= 50, 'latent faults take the rank-one shortcut');
  assert.equal(sum(paths, 'analytic', ['head.projection']), 64);
  const detected = (layer: string) => records.filter((r) => r.layer === layer && r.detected);
  assert.ok(detected('head.projection').length > 0, 'exponent flips of a projection output leave the bound');
  assert.ok(detected('head.projection').every((r) => r.bit >= 23));
  assert.ok(
    records.some((r) => r.layer !== 'head.projection' && r.detected),
    'a non-finite backbone value is caught',
  );
});

test('analytic guard on weight faults and with the range detector: runner = plain path, bound holds', async () => {
  const fx = await fixture(attentionNet(), 8);
  await checkAgainstPlain(fx, 'weights', false, {
    perLayer: 32,
    layers: ['head.projection', 'head.latent', 'mlp.fc1'],
    guard: 'analytic',
    everyBit: true,
    inspect: (plan, recs) => {
      provenBoundHolds(plan, recs);
      const caught = recs.filter((r) => r.layer === 'head.projection' && r.detected && !r.nonFinite);
      assert.ok(caught.length > 0, 'a projection weight flip gives a finite score beyond its bound');
    },
  });
  await checkAgainstPlain(fx, 'neurons', true, {
    perLayer: 32,
    layers: ['head.projection', 'attn.v'],
    guard: 'analytic',
    everyBit: true,
    inspect: provenBoundHolds,
  });
});

test('profiled guard on a baseline, every bit: runner = plain path, undetected ΔLoss within the proven bound', async () => {
  let detected = 0;
  const paths = await checkAgainstPlain(await cnn, 'neurons', false, {
    perLayer: 64,
    layers: ['fc', 'layer2.0.conv2', 'conv1'],
    guard: 'profiled',
    everyBit: true,
    inspect: (plan, recs) => {
      provenBoundHolds(plan, recs);
      detected = recs.filter((r) => r.detected).length;
    },
  });
  assert.ok(detected > 0);
  assert.ok(sum(paths, 'masked') > 0);
});

test('records carry detected only when true, right after nonFinite; plans of older tgr read as guard none', async () => {
  const r: InjectionRecord = {
    id: 3,
    layer: 'fc',
    image: 1,
    index: 2,
    bit: 30,
    original: 0.5,
    faulty: 1.7e38,
    goldenTop1: 1,
    faultyTop1: 4,
    goldenLoss: 0.25,
    faultyLoss: 12.5,
    nonFinite: false,
    detected: true,
  };
  const line = recordLine(r);
  assert.ok(line.includes('"faultyLoss":12.5,"nonFinite":false,"detected":true}'), line);
  assert.deepEqual(parseRecord(line, 'x'), r);
  const { detected: _, ...plain } = r;
  assert.ok(!recordLine(plain).includes('detected'));
  const { classifier, golden } = await vit;
  const plan = planCampaign({ classifier, golden, perLayer: 4, guard: 'analytic' });
  const dir = tempDir('guard-plan');
  writePlan(join(dir, 'plan.json'), plan);
  assert.deepEqual(readPlan(join(dir, 'plan.json')), plan);
  const { guard: _g, guardBounds: _b, guardDeltaLossBound: _d, ...old } = plan;
  writeFileSync(join(dir, 'old.json'), JSON.stringify(old));
  assert.equal(readPlan(join(dir, 'old.json')).guard, 'none');
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...plan, guard: 'strict' }));
  assert.throws(
    () => readPlan(join(dir, 'bad.json')),
    (e: unknown) =>
      e instanceof TgrError &&
      e.message ===
        `${join(dir, 'bad.json')}: not a valid plan.json: guard: Invalid option: expected one of "none"|"analytic"|"profiled" — re-create it with 'tgr plan'`,
  );
});

test('summary.json of a guarded campaign: the proven bound, detections and the undetected ΔLoss below it', async () => {
  const fx = await vit;
  const dir = tempDir('guard-summary');
  const plan = planCampaign({ ...fx, perLayer: 32, layers: ['head.projection', 'mlp.fc2'], guard: 'analytic' });
  writePlan(join(dir, 'plan.json'), plan);
  await runCampaign({ ...fx, plan, dir, quiet: true });
  const records = readRecords(join(dir, 'faults.jsonl'));
  const g = summarize(dir).guard!;
  assert.equal(g.kind, 'analytic');
  assert.deepEqual(g.bounds, plan.guardBounds);
  assert.equal(g.provenDeltaLoss, plan.guardDeltaLossBound);
  assert.equal(g.injections, 64);
  assert.equal(g.detected, records.filter((r) => r.detected).length);
  assert.equal(g.deltaLoss.n, 64 - g.detected);
  assert.ok(g.deltaLoss.max <= g.provenDeltaLoss);
  assert.equal(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).guard.provenDeltaLoss, g.provenDeltaLoss);
});

test('src/models ResNet-20 with the text-guided head: analytic guard from the graph, every bit, bound holds; a foreign export of a head gets the same bounds', async () => {
  const fx = await fixture(
    buildModel({
      backbone: 'resnet20',
      head: 'text-guided',
      inputShape: [3, 32, 32],
      numClasses: 10,
      embedDim: 16,
      seed: 0,
    }),
    4,
  );
  const L = (s: string) => fx.classifier.layers.find((l) => l.name.endsWith(s))!.name;
  await checkAgainstPlain(fx, 'neurons', false, {
    perLayer: 32,
    layers: [L('head.latent'), L('head.projection'), fx.classifier.layers[0]!.name, fx.classifier.layers[18]!.name],
    guard: 'analytic',
    everyBit: true,
    inspect: provenBoundHolds,
  });
  const foreign = await loadClassifier(foreignExport(attentionNet()));
  assert.deepEqual(analyticBounds(foreign), analyticBounds((await vit).classifier));
});

test('a head whose latent is as wide as the scores (E = K) is still recognised: analytic guard and rank-one latent', async () => {
  const fx = await fixture(attentionNet({ classes: 6, embed: 6 }), 8);
  const paths = await checkAgainstPlain(fx, 'neurons', false, {
    perLayer: 32,
    layers: ['head.latent', 'head.projection'],
    guard: 'analytic',
    everyBit: true,
    inspect: provenBoundHolds,
  });
  assert.ok(sum(paths, 'analytic', ['head.latent']) >= 28, 'latent faults are rank-one updates');
  assert.equal(sum(paths, 'analytic', ['head.projection']), 32);
});

/** A bare text-guided head on [N, E, 1, 1] inputs: identity latent, L2 normalisation, projection P, exp(s). */
function bareHead(P: Float32Array, C: number, E: number): Model {
  const b = new GraphBuilder('bare_head');
  const x = b.flatten(b.input('input', 'float32', ['N', E, 1, 1]));
  const eye = Float32Array.from({ length: E * E }, (_, k) => (k % (E + 1) === 0 ? 1 : 0));
  const f = b.gemm(x, b.initializer('latent.weight', f32([E, E], eye)), undefined, { name: 'latent', transB: 1 });
  const proj = b.gemm(b.l2Normalize(f, -1), b.initializer('P', f32([C, E], P)), undefined, {
    name: 'projection',
    transB: 1,
  });
  const s = b.initializer('s', f32([], [Math.log(1 / 0.07)]));
  b.output(b.mul(b.exp(s), proj), 'logits');
  return b.finishModel({ 'tgr.last_layers': JSON.stringify(['latent', 'projection']) });
}

test('the analytic margin is enough: a latent aligned with P_c (the bound attained in real numbers) never trips it in ORT', async () => {
  const C = 4;
  const E = 512;
  const rng = new Rng('guard-margin');
  const P = Float32Array.from({ length: C * E }, () => rng.normal() * 2 ** (rng.int(9) - 4));
  const clf = await loadClassifier(bareHead(P, C, E));
  const bounds = analyticBounds(clf);
  const session = await Session.create(clf.model, { threads: 1 });
  const n = 256;
  // Each row is ±k·P_c (k from 1e-20 to 1e20): the normalised latent is ±P_c/‖P_c‖, so |z_c| = exp(s)·‖P_c‖ exactly
  // in real numbers, and only rounding decides which side of it fp32 lands.
  const x = new Float32Array(n * E);
  for (let r = 0; r < n; r++) {
    const k = (rng.next() < 0.5 ? -1 : 1) * 10 ** (rng.next() * 40 - 20);
    for (let e = 0; e < E; e++) x[r * E + e] = k * P[(r % C) * E + e]!;
  }
  const out = await session.run({ input: { dtype: 'float32', dims: [n, E, 1, 1], data: x } });
  await session.release();
  const z = out.logits!.data as Float32Array;
  for (let r = 0; r < n; r++) assert.equal(guardTrips(bounds, z.subarray(r * C, (r + 1) * C)), false, `row ${r}`);
  // Against the real-number bound |exp(s)|·‖P_c‖ (the folded fp32 exp(s)): the aligned rows reach it, and here fp32
  // lands a few ulps above it (2.6e-7 relative on this ORT build), which is why the guard carries a margin.
  const scale = Math.abs(textGuidedHead(clf)!.form.chain[0]!.value[0]!);
  let worst = 0;
  for (let r = 0; r < n; r++) {
    let ss = 0;
    for (let e = 0; e < E; e++) ss += P[(r % C) * E + e]! ** 2;
    worst = Math.max(worst, Math.abs(z[r * C + (r % C)]!) / (scale * Math.sqrt(ss)));
  }
  assert.ok(worst >= 1 - 1e-6 && worst <= 1 + analyticMargin(E, 1), `aligned rows reach the real bound: ${worst}`);
});
