import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../../src/engine/session.js';
import { loadClassifier } from '../../../src/faults/model/classifier.js';
import { withOutputs } from '../../../src/faults/model/exposed.js';
import { LayerValues } from '../../../src/faults/run/layer-values.js';
import { randomImages, residualNet } from '../nets.js';

/** The residual net, its layer outputs, three images and every layer output of them from one exposing run. */
async function threeImages() {
  const clf = await loadClassifier(residualNet());
  const tensors = clf.layers.map((l) => l.tensor);
  const pixels = randomImages(3, 8, 5);
  const session = await Session.create(withOutputs(clf.model, tensors));
  const want = await session.run({ input: { dtype: 'float32', dims: [3, 3, 8, 8], data: pixels } });
  await session.release();
  return { clf, tensors, pixels, want };
}

test('LayerValues.of: one image’s values of the layers asked, in that order, as a run exposing them gives', async () => {
  const { clf, tensors, pixels, want } = await threeImages();
  const values = new LayerValues(clf, tensors, {});
  const asked = [tensors[3]!, tensors[0]!];
  const got = await values.of(pixels.subarray(2 * 192, 3 * 192), asked);
  await values.release();
  assert.deepEqual(
    got,
    asked.map((t) => {
      const a = want[t]!.data as Float32Array;
      return a.slice((2 * a.length) / 3);
    }),
  );
});

test('LayerValues.redo: each image named, with its layers in the order they were named, gets those values', async () => {
  const { clf, tensors, pixels, want } = await threeImages();
  const values = new LayerValues(clf, tensors, {});
  const got: [number, Float32Array][] = [];
  await values.redo(
    pixels,
    [
      [3, [1]],
      [0, [2, 1]],
    ],
    (layer, v) => got.push([layer, v]),
  );
  await values.release();
  const rowOf = (layer: number, image: number) => {
    const a = want[tensors[layer]!]!.data as Float32Array;
    return a.slice((image * a.length) / 3, ((image + 1) * a.length) / 3);
  };
  assert.deepEqual(got, [
    [3, rowOf(3, 1)],
    [0, rowOf(0, 1)],
    [0, rowOf(0, 2)],
  ]);
});
