import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../../src/data/dataset.js';
import { TgrError } from '../../../src/core/errors.js';
import { imageSetFromArrays, imageSetFromDataset } from '../../../src/faults/run/images.js';

/** Three 1×2×2 grey images of uint8 pixels, labels c, a, b. */
const grey = (): Dataset => ({
  name: 'tiny',
  classNames: ['a', 'b', 'c'],
  shape: [1, 2, 2],
  splits: {
    test: {
      kind: 'memory',
      size: 3,
      labels: Int32Array.from([2, 0, 1]),
      source: 'mem',
      pixels: Uint8Array.from([0, 255, 0, 255, 255, 255, 0, 0, 51, 102, 153, 204]),
    },
  },
  stats: { mean: [0.5], std: [0.25] },
  augment: { padCrop: 0, flip: false },
  source: 'mem',
});

test('imageSetFromArrays gives the requested images back to back, in the order asked', async () => {
  const images = Float32Array.from({ length: 3 * 2 }, (_, i) => i);
  const set = imageSetFromArrays({ images, labels: [4, 5, 6], shape: [1, 1, 2] });
  assert.equal(set.name, 'arrays');
  assert.equal(set.split, 'test');
  assert.equal(set.size, 3);
  assert.deepEqual([...(await set.pixels([2, 0, 2]))], [4, 5, 0, 1, 4, 5]);
  assert.deepEqual([...(await set.pixels([]))], []);
  const named = imageSetFromArrays({ images, labels: [4, 5, 6], shape: [1, 1, 2], name: 'n', split: 'train' });
  assert.deepEqual([named.name, named.split], ['n', 'train']);
});

test('imageSetFromArrays rejects pixels that do not fit the labels and shape', () => {
  assert.throws(
    () => imageSetFromArrays({ images: new Float32Array(5), labels: [0, 1], shape: [1, 1, 2] }),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'bad_data' &&
      e.message === 'images: 5 values for 2 labels of shape [1,1,2]; expected 4',
  );
});

test('imageSetFromDataset normalises with the dataset statistics and keeps its labels', async () => {
  const set = imageSetFromDataset(grey(), 'test');
  try {
    assert.deepEqual([set.name, set.split, set.size, set.shape], ['tiny', 'test', 3, [1, 2, 2]]);
    assert.deepEqual(Array.from(set.labels), [2, 0, 1]);
    assert.equal(set.fit, undefined);
    assert.equal(set.labelMap, undefined);
    // (v/255 − 0.5) / 0.25: 0 → −2, 255 → 2.
    assert.deepEqual([...(await set.pixels([1, 0]))], [2, 2, -2, -2, -2, 2, -2, 2]);
    const third = await set.pixels([2]);
    [51, 102, 153, 204].forEach((v, i) => assert.ok(Math.abs(third[i]! - (v / 255 - 0.5) / 0.25) < 1e-6));
  } finally {
    await set.close?.();
  }
});

test('imageSetFromDataset with a fit gives unnormalised [0,1] pixels in the model shape and maps labels', async () => {
  const labelMap = { how: 'class-list' as const, classes: 4, map: { a: 3, c: 0 } };
  const set = imageSetFromDataset(grey(), 'test', { shape: [3, 2, 2], resize: 2, normalize: null }, labelMap);
  try {
    assert.deepEqual(set.shape, [3, 2, 2]);
    assert.equal(
      set.fit,
      '[1,2,2] → resize 2 (bilinear, no antialias), centre crop 2×2, 1→3 channels, no normalisation',
    );
    assert.deepEqual(set.labelMap, labelMap);
    // c → 0, a → 3, b is not in the map → −1.
    assert.deepEqual(Array.from(set.labels), [0, 3, -1]);
    // Grey becomes RGB by repeating the channel.
    assert.deepEqual([...(await set.pixels([0]))], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    assert.equal((await set.pixels([2, 1])).length, 24);
  } finally {
    await set.close?.();
  }
});

test('imageSetFromDataset names the missing split', () => {
  assert.throws(
    () => imageSetFromDataset(grey(), 'train'),
    (e: unknown) =>
      e instanceof TgrError && e.code === 'bad_data' && e.message === "tiny (mem) has no 'train' split; it has: test",
  );
});
