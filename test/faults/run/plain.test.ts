import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlainInjector, WeightPlain } from '../../../src/faults/run/plain.js';
import { tinyClassifier, tinyImages, tinyScores, tinyScoresOf } from './tiny-net.js';

const change = (index: number[], value: number[]) => ({
  index: Int32Array.from(index),
  value: Float32Array.from(value),
});

test('PlainInjector replaces each row’s layer elements with the exact values given', async () => {
  const { clf, h } = await tinyClassifier();
  const plain = await PlainInjector.create(clf, clf.model, h, 1);
  try {
    const pixels = await tinyImages.pixels([0, 1, 2]);
    const out = await plain.run(pixels, [change([1], [100]), change([], []), change([0, 3], [-7, 0.5])]);
    // Golden h of image i is 2i, 2i+2, 2i+4, 2i+6.
    assert.deepEqual([...out], [...tinyScoresOf([0, 100, 4, 6]), ...tinyScores(1), ...tinyScoresOf([-7, 6, 8, 0.5])]);
  } finally {
    await plain.release();
  }
});

test('PlainInjector at the scores tensor replaces the scores themselves', async () => {
  const { clf } = await tinyClassifier();
  const plain = await PlainInjector.create(clf, clf.model, clf.output.name, 1);
  try {
    const out = await plain.run(await tinyImages.pixels([2]), [change([2], [42])]);
    assert.deepEqual([...out], [tinyScores(2)[0], tinyScores(2)[1], 42]);
  } finally {
    await plain.release();
  }
});

test('WeightPlain sets the weight elements for every row and leaves the stored weight alone between runs', async () => {
  const { clf } = await tinyClassifier();
  const plain = await WeightPlain.create(clf, clf.model, 'fc.weight', 1);
  try {
    const pixels = await tinyImages.pixels([0, 1]);
    // fc.weight[0][0] 1 → 3 triples the first score; [1][3] 0 → 1 adds h3 to the second.
    const out = await plain.run(pixels, 2, change([0, 7], [3, 1]));
    assert.deepEqual([...out], [0, 2 + 10 + 6, 11, 6, 4 + 10 + 8, 19]);
    assert.deepEqual([...(await plain.run(pixels, 2, change([], [])))], [...tinyScores(0), ...tinyScores(1)]);
  } finally {
    await plain.release();
  }
});
