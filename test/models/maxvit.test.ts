import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../src/models/registry.js';
import { countModel, parameterNames } from '../../src/models/count.js';
import { Session } from '../../src/engine/session.js';
import { maxVitBlockSides } from '../../src/models/maxvit.js';
import { TgrError } from '../../src/core/errors.js';
import { buildMaxVit, fixtureModel, fixtureTensors } from './maxvit-small.js';

/** max |got − want| over max |want|, after checking the lengths agree. */
function worstError(got: Float32Array, want: Float32Array): number {
  assert.equal(got.length, want.length);
  return Math.max(...want.map((w, i) => Math.abs(got[i]! - w))) / Math.max(...want.map(Math.abs));
}

const imagenet = (head: 'linear' | 'text-guided') =>
  buildModel(
    { backbone: 'maxvit-t', head, inputShape: [3, 224, 224], numClasses: 1000, embedDim: 512 },
    { shapesOnly: true },
  );

test("maxvit-t at 224×224 has torchvision's 30,919,624 parameters and its published 5.56 GFLOPS (MACs)", () => {
  const c = countModel(imagenet('linear'));
  assert.equal(c.params, 30_919_624);
  assert.equal(Number((c.macs / 1e9).toFixed(2)), 5.56);
});

test('the text-guided head replaces the bias-free classifier.5 (512→1000): +262,657 = latent 512·512 + 512, P 1000·512 − 512,000, logit scale 1 (Table 1: +0.26M)', () => {
  const linear = imagenet('linear');
  assert.ok(linear.graph.initializers.has('classifier.5.weight'));
  assert.ok(!linear.graph.initializers.has('classifier.5.bias'));
  assert.equal(countModel(imagenet('text-guided')).params - countModel(linear).params, 262_657);
});

test("block sides follow torchvision's _make_block_input_shapes; inputs the partition does not divide are one line naming the sizes and a size that works", () => {
  assert.deepEqual(maxVitBlockSides(224, 4), [56, 28, 14, 7]);
  assert.deepEqual(maxVitBlockSides(221, 4), [56, 28, 14, 7]);
  assert.deepEqual(maxVitBlockSides(33, 2), [9, 5]);
  const build = (side: number, w = side) =>
    buildModel(
      { backbone: 'maxvit-t', head: 'linear', inputShape: [3, side, w], numClasses: 10 },
      { shapesOnly: true },
    );
  assert.equal(countModel(build(221)).params, countModel(build(224)).params);
  assert.throws(
    () => build(32),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'bad_argument' &&
      e.message ===
        "maxvit-t: a 3×32×32 input gives block maps 8×8, 4×4, 2×2, 1×1; MaxViT needs square maps its partition side 7 divides (torchvision's rule); resize the images to 224×224 (or a multiple)",
  );
  assert.throws(
    () => build(224, 448),
    /a 3×224×448 input gives block maps 56×112, 28×56, 14×28, 7×14; MaxViT needs square maps/,
  );
});

test('forward equals torchvision 0.14 MaxVit for the same weights to 1e-4 relative (fixture from scripts/fixtures/maxvit.py)', async () => {
  const t = fixtureTensors();
  const m = buildMaxVit({ head: 'linear', inputShape: [3, 32, 32], numClasses: 10 });
  // Every parameter and BN statistic of ours is one of torchvision's by its state_dict name, and none is left over.
  const ours = [...parameterNames(m.graph), ...[...m.graph.initializers.keys()].filter((n) => /running_/.test(n))];
  const theirs = [...t.keys()].filter((n) => n !== 'input' && n !== 'logits' && !n.startsWith('train.'));
  assert.deepEqual(ours.sort(), theirs.sort());
  for (const n of ours) assert.deepEqual(t.get(n)!.dims, m.graph.initializers.get(n)!.dims, n);
  const s = await Session.create(fixtureModel());
  const got = (await s.run({ input: t.get('input')! })).logits!.data as Float32Array;
  await s.release();
  // Relative to the largest logit, the worst logit is off by 1e-4 at most (fp32 in both; about 1e-7 measured).
  const worst = worstError(got, t.get('logits')!.data);
  assert.ok(worst <= 1e-4, `worst logit error ${worst} of the largest logit`);
});

test("train mode equals torchvision's (stochastic depth off): batch-statistics logits to 1e-4, every BN's running_mean after one update with momentum 0.99 to 1e-5", async () => {
  const t = fixtureTensors();
  const m = fixtureModel('train');
  const s = await Session.create(m);
  const out = await s.run({ input: t.get('input')! });
  await s.release();
  const worst = worstError(out.logits!.data as Float32Array, t.get('train.logits')!.data);
  assert.ok(worst <= 1e-4, `worst train-mode logit error ${worst} of the largest logit`);
  const means = [...t.keys()].filter((n) => n.startsWith('train.'));
  assert.equal(means.length, 1 + m.graph.nodes.filter((n) => n.opType === 'BatchNormalization').length);
  for (const n of means.filter((k) => k !== 'train.logits')) {
    const e = worstError(out[`${n.slice('train.'.length)}.next`]!.data as Float32Array, t.get(n)!.data);
    assert.ok(e <= 1e-5, `${n}: worst error ${e} of its largest value`);
  }
});
