import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageSetFromArrays } from '../../../src/faults/run/images.js';
import { tinyClassifier, tinyImages, tinyScores } from './tiny-net.js';
import { KeptUnits, UnitForward, unitTensors, type GoldenActivations } from '../../../src/faults/run/unit-cache.js';
import type { ClassifierLayer } from '../../../src/faults/model/classifier.js';

test('UnitForward returns the golden scores, the asked tensors and the pixels under the input name', async () => {
  const { clf, h } = await tinyClassifier();
  const f = await UnitForward.create(clf, clf.model, [h, h, clf.input.name], 1);
  try {
    const u = await f.run(tinyImages, [2, 0]);
    assert.deepEqual(u.images, [2, 0]);
    assert.deepEqual([...u.pixels], [2, 3, 4, 5, 0, 1, 2, 3]);
    assert.deepEqual([...u.logits], [...tinyScores(2), ...tinyScores(0)]);
    assert.deepEqual(u.tensors[h]!.dims, [2, 1, 2, 2]);
    assert.deepEqual([...u.tensors[h]!.data], [4, 6, 8, 10, 0, 2, 4, 6]);
    assert.deepEqual(u.tensors[clf.input.name]!.dims, [2, 1, 2, 2]);
    assert.equal(u.tensors[clf.input.name]!.data, u.pixels);
    assert.deepEqual(Object.keys(u.tensors).sort(), [clf.input.name, clf.output.name, h].sort());
  } finally {
    await f.release();
  }
});

test('KeptUnits gathers the kept rows of the asked images by their golden row', async () => {
  const { clf, h } = await tinyClassifier();
  // The golden pass kept images 5, 7 and 9 (dataset indices) in rows 0, 1, 2.
  const kept: GoldenActivations = new Map([
    [clf.output.name, { size: 3, data: Float32Array.from([0, 1, 2, 10, 11, 12, 20, 21, 22]) }],
    [h, { size: 4, data: Float32Array.from({ length: 12 }, (_, k) => 100 + k) }],
  ]);
  const pixels = imageSetFromArrays({
    images: Float32Array.from({ length: 10 * 4 }, (_, k) => k),
    labels: new Array<number>(10).fill(0),
    shape: [1, 2, 2],
  });
  const units = new KeptUnits(clf, kept, [5, 7, 9]);
  const u = await units.run(pixels, [9, 5]);
  assert.deepEqual(u.images, [9, 5]);
  assert.deepEqual([...u.logits], [20, 21, 22, 0, 1, 2]);
  assert.deepEqual(u.tensors[clf.output.name]!.dims, [2, 3]);
  assert.deepEqual(u.tensors[h]!.dims, [2, 1, 2, 2]);
  assert.deepEqual([...u.tensors[h]!.data], [108, 109, 110, 111, 100, 101, 102, 103]);
  assert.deepEqual([...u.pixels], [36, 37, 38, 39, 20, 21, 22, 23]);
  assert.equal(u.tensors[clf.input.name]!.data, u.pixels);
  await units.release();
});

test('KeptUnits.covers needs the scores and every asked tensor but the input', async () => {
  const { clf, h } = await tinyClassifier();
  const row = { size: 1, data: new Float32Array(1) };
  const both: GoldenActivations = new Map([
    [clf.output.name, row],
    [h, row],
  ]);
  assert.equal(KeptUnits.covers(both, clf, [h, clf.input.name]), true);
  assert.equal(KeptUnits.covers(new Map([[h, row]]), clf, [h]), false);
  assert.equal(KeptUnits.covers(new Map([[clf.output.name, row]]), clf, [h]), false);
  assert.equal(KeptUnits.covers(new Map([[clf.output.name, row]]), clf, []), true);
  assert.equal(KeptUnits.covers(undefined, clf, []), false);
});

test('KeptUnits given the tensors a group needs gathers only those and the scores from a file keeping more', async () => {
  const { clf, h } = await tinyClassifier();
  const kept: GoldenActivations = new Map([
    [clf.output.name, { size: 3, data: Float32Array.from([0, 1, 2, 10, 11, 12]) }],
    [h, { size: 4, data: Float32Array.from({ length: 8 }, (_, k) => 100 + k) }],
  ]);
  const pixels = imageSetFromArrays({
    images: Float32Array.from({ length: 2 * 4 }, (_, k) => k),
    labels: [0, 0],
    shape: [1, 2, 2],
  });
  const u = await new KeptUnits(clf, kept, [0, 1], []).run(pixels, [1]);
  assert.deepEqual(Object.keys(u.tensors).sort(), [clf.input.name, clf.output.name].sort());
  assert.deepEqual([...u.logits], [10, 11, 12]);
  const v = await new KeptUnits(clf, kept, [0, 1], [h]).run(pixels, [1]);
  assert.deepEqual(Object.keys(v.tensors).sort(), [clf.input.name, clf.output.name, h].sort());
  assert.deepEqual([...v.tensors[h]!.data], [104, 105, 106, 107]);
});

test("unitTensors: the injector's output and carried tensors, and the layer input for weight faults only", () => {
  const injector = { cachedTensors: ['y', 'skip'], layer: { input: 'x' } as ClassifierLayer };
  assert.deepEqual(unitTensors(injector, 'neurons'), ['y', 'skip']);
  assert.deepEqual(unitTensors(injector, 'weights'), ['y', 'skip', 'x']);
});
