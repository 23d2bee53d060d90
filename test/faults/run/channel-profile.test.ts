import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelMaxAbs } from '../../../src/faults/run/channel-profile.js';
import { Session } from '../../../src/engine/session.js';
import { withOutputs } from '../../../src/faults/model/exposed.js';
import { loadClassifier, type Classifier } from '../../../src/faults/model/classifier.js';
import { imageSetFromArrays, type ImageSet } from '../../../src/faults/run/images.js';
import { attentionNet, randomImages, residualNet } from '../nets.js';
import { fixture } from '../fixtures.js';

test('channelMaxAbs: each layer’s per-channel max |x| over the golden images; their max is the golden pass’s layer max', async () => {
  const { classifier, images, golden } = await fixture(residualNet());
  const channels = await channelMaxAbs({ classifier, images, indices: golden.indices, batchSize: 5, quiet: true });
  assert.deepEqual(
    [...channels.keys()],
    classifier.layers.map((l) => l.tensor),
  );
  for (const [i, l] of classifier.layers.entries()) {
    const m = channels.get(l.tensor)!;
    assert.equal(m.length, l.shape[0]);
    assert.equal(Math.max(...m), golden.layers[i]!.maxAbs, l.name);
  }
  // By hand for the first conv: one run over all images, channel c's values at [n, c, …].
  const l = classifier.layers[0]!;
  const session = await Session.create(withOutputs(classifier.model, [l.tensor]));
  const x = await images.pixels(golden.indices);
  const out = await session.run({
    [classifier.input.name]: { dtype: 'float32', dims: [golden.indices.length, ...classifier.input.shape], data: x },
  });
  await session.release();
  const a = out[l.tensor]!.data as Float32Array;
  const inner = l.neurons / l.shape[0]!;
  const want = new Array<number>(l.shape[0]!).fill(0);
  a.forEach((v, k) => {
    const c = Math.floor(k / inner) % want.length;
    want[c] = Math.max(want[c]!, Math.abs(v));
  });
  assert.deepEqual(channels.get(l.tensor), want);
});

/** Today's reference: every layer output exposed in one run over `indices`, each channel's max |x| taken in JS. */
async function reference(classifier: Classifier, images: ImageSet, indices: readonly number[]) {
  const session = await Session.create(
    withOutputs(
      classifier.model,
      classifier.layers.map((l) => l.tensor),
    ),
  );
  const x = await images.pixels(indices);
  const out = await session.run({
    [classifier.input.name]: { dtype: 'float32', dims: [indices.length, ...classifier.input.shape], data: x },
  });
  await session.release();
  return new Map(
    classifier.layers.map((l) => {
      const m = new Array<number>(l.shape[0] ?? 1).fill(0);
      const inner = l.neurons / m.length;
      (out[l.tensor]!.data as Float32Array).forEach((v, k) => {
        const c = Math.floor(k / inner) % m.length;
        if (Math.abs(v) > m[c]! && Math.abs(v) !== Infinity) m[c] = Math.abs(v);
      });
      return [l.tensor, m];
    }),
  );
}

for (const [name, net] of [
  ['residual', residualNet()],
  ['attention', attentionNet()],
] as const)
  test(`channelMaxAbs on the ${name} net: every layer and channel exactly as exposed values reduced in JS, in runs of any size`, async () => {
    const { classifier, images, golden } = await fixture(net);
    const want = await reference(classifier, images, golden.indices);
    const profile = (batchSize?: number, runBytes?: number) =>
      channelMaxAbs({ classifier, images, indices: golden.indices, batchSize, runBytes, quiet: true });
    assert.deepEqual(await profile(), want);
    assert.deepEqual(await profile(7, 1), want);
    // Vector layers (the head's Gemms) have a channel per value, attention's [T, D] layers one per token.
    const fc = classifier.layers.at(-1)!;
    assert.deepEqual([fc.shape.length, want.get(fc.tensor)!.length], [1, fc.shape[0]]);
  });

test('channelMaxAbs: an image with ±Inf or NaN in a layer counts with its finite values there, never its non-finite ones', async () => {
  const classifier = await loadClassifier(residualNet({ size: 40, width: 8 }));
  const n = 12;
  const pixels = randomImages(n, 40, 9);
  // Image 4 overflows the first conv to ±Inf and NaN (Inf − Inf) everywhere; image 9 has one huge pixel only.
  pixels.fill(3e38, 4 * 4800, 5 * 4800);
  pixels[9 * 4800 + 2000] = 3e38;
  const shape = classifier.input.shape;
  const images = imageSetFromArrays({ images: pixels, labels: new Array<number>(n).fill(0), shape, name: 'huge' });
  const all = [...Array(n).keys()];
  const profile = (indices: number[]) => channelMaxAbs({ classifier, images, indices, quiet: true });
  assert.deepEqual(await profile(all), await reference(classifier, images, all));
  // Image 4 alone: every channel of its first conv mixes ±Inf (one NaN too) with finite values, which set its max;
  // the layers after it are all NaN, so their channels stay 0.
  const four = await reference(classifier, images, [4]);
  assert.deepEqual(await profile([4]), four);
  const session = await Session.create(withOutputs(classifier.model, [classifier.layers[0]!.tensor]));
  const x = await images.pixels([4]);
  const out = await session.run({ [classifier.input.name]: { dtype: 'float32', dims: [1, ...shape], data: x } });
  await session.release();
  const conv1 = classifier.layers[0]!;
  const a = out[conv1.tensor]!.data as Float32Array;
  const inner = conv1.neurons / conv1.shape[0]!;
  four.get(conv1.tensor)!.forEach((m, c) => {
    const row = a.subarray(c * inner, (c + 1) * inner);
    assert.ok(row.some((v) => !Number.isFinite(v)) && Number.isFinite(m) && m > 0, `channel ${c}: ${m}`);
  });
  assert.deepEqual(four.get(classifier.layers[1]!.tensor), new Array<number>(8).fill(0));
});

test('channelMaxAbs refuses an empty list of images, naming the dataset', async () => {
  const { classifier, images } = await fixture(residualNet());
  await assert.rejects(
    channelMaxAbs({ classifier, images, indices: [], quiet: true }),
    /^TgrError: random: no images to profile channels on$/,
  );
});
