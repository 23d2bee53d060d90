import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32 } from '../../../src/onnx/tensor.js';
import { LayerInjector, rowOf, type Fault } from '../../../src/faults/run/injector.js';
import { UnitForward } from '../../../src/faults/run/unit-cache.js';
import { tinyClassifier, tinyImages, tinyScores, tinyScoresOf } from './tiny-net.js';

const fault = (row: number, index: number[], value: number[]): Fault => ({
  row,
  change: { index: Int32Array.from(index), value: Float32Array.from(value) },
});

test('rowOf is one image’s values of a per-image tensor', () => {
  const t = f32([3, 2], [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...rowOf(t, 1)], [2, 3]);
  assert.deepEqual([...rowOf(t, 2)], [4, 5]);
});

/** The conv layer of the tiny net, a unit of images 0 and 2 (h rows 0,2,4,6 and 4,6,8,10), the faults' scores. */
async function evaluate(faults: Fault[], shortcuts = true) {
  const { clf } = await tinyClassifier();
  const layer = clf.layers.find((l) => l.name === 'conv')!;
  const inj = new LayerInjector(clf, clf.model, layer, { threads: 1, shortcuts });
  const forward = await UnitForward.create(clf, clf.model, inj.cachedTensors, 1);
  try {
    const unit = await forward.run(tinyImages, [0, 2]);
    const r = await inj.evaluate(unit, faults);
    return { inj, logits: [...r.logits], paths: r.paths };
  } finally {
    await forward.release();
    await inj.release();
  }
}

test('a change the Relu after the layer kills is masked; any other runs the suffix; exact scores either way', async () => {
  const r = await evaluate([
    fault(0, [0], [-5]), // golden 0 → −5: Relu gives 0 again
    fault(1, [0], [-5]), // golden 4 → −5: Relu gives 0, not 4
    fault(0, [1, 3], [1, 100]),
    fault(1, [2], [8]), // golden 8 → 8: no change at all
  ]);
  assert.equal(r.inj.analytic, undefined);
  assert.deepEqual(r.paths, ['masked', 'suffix', 'suffix', 'masked']);
  assert.deepEqual(r.logits, [
    ...tinyScores(0),
    ...tinyScoresOf([-5, 6, 8, 10]),
    ...tinyScoresOf([0, 1, 4, 100]),
    ...tinyScores(2),
  ]);
});

test('without shortcuts every fault runs the suffix, with the same scores', async () => {
  const r = await evaluate([fault(0, [0], [-5]), fault(1, [1, 3], [1, 100])], false);
  assert.deepEqual(r.paths, ['suffix', 'suffix']);
  assert.deepEqual(r.logits, [...tinyScores(0), ...tinyScoresOf([4, 1, 8, 100])]);
});

test('the final Linear is analytic: a fault in score j changes score j alone', async () => {
  const { clf } = await tinyClassifier();
  const fc = clf.layers.find((l) => l.name === 'fc')!;
  const inj = new LayerInjector(clf, clf.model, fc, { threads: 1 });
  assert.equal(inj.analytic?.kind, 'logit');
  assert.deepEqual(inj.cachedTensors.slice(0, 1), [fc.tensor]);
  const forward = await UnitForward.create(clf, clf.model, inj.cachedTensors, 1);
  try {
    const unit = await forward.run(tinyImages, [1]);
    const r = await inj.evaluate(unit, [fault(0, [2], [-3]), fault(0, [], [])]);
    assert.deepEqual(r.paths, ['analytic', 'analytic']);
    assert.deepEqual([...r.logits], [tinyScores(1)[0], tinyScores(1)[1], -3, ...tinyScores(1)]);
  } finally {
    await forward.release();
    await inj.release();
  }
});
