import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';
import type { Model } from '../../../src/onnx/types.js';
import { Session } from '../../../src/engine/session.js';
import { modelWithDetector, rangeClamp, withRangeDetector } from '../../../src/faults/run/range-detector.js';

/** x → Mul(x, 2) 'h' → Add(h, h) 'y': 'h' is an inner layer output the detector can check. */
function doubler(): Model {
  const b = new GraphBuilder('doubler');
  const x = b.input('x', 'float32', ['N', 4]);
  const h = b.mul(x, b.float(2), { name: 'h' });
  b.output(b.add(h, h, { name: 'y' }), 'y');
  return b.finishModel();
}

test('rangeClamp keeps values within ±max, clamps beyond it, turns NaN into +max', () => {
  assert.deepEqual(
    [0.5, -0.5, 3, -3, 7, -7, Infinity, -Infinity, NaN].map((x) => rangeClamp(x, 3)),
    [0.5, -0.5, 3, -3, 3, -3, 3, -3, 3],
  );
});

test('withRangeDetector renames the checked output to .raw and appends Clip, IsNaN and Where writing the name', () => {
  const m = doubler();
  const h = m.graph.nodes.find((n) => n.name === 'h')!.outputs[0]!;
  const g = withRangeDetector(m.graph, new Map([[h, 1.5]]), 13);
  assert.deepEqual(g.nodes.find((n) => n.name === 'h')!.outputs, [`${h}.raw`]);
  assert.deepEqual(g.nodes.map((n) => [n.opType, n.inputs, n.outputs]).slice(1, 4), [
    ['Clip', [`${h}.raw`, `${h}.range_min`, `${h}.range_max`], [`${h}.range_clip`]],
    ['IsNaN', [`${h}.raw`], [`${h}.range_nan`]],
    ['Where', [`${h}.range_nan`, `${h}.range_max`, `${h}.range_clip`], [h]],
  ]);
  assert.deepEqual(
    g.nodes.map((n) => n.opType),
    ['Mul', 'Clip', 'IsNaN', 'Where', 'Add'],
  );
  assert.deepEqual([...g.initializers.get(`${h}.range_min`)!.data], [-1.5]);
  assert.deepEqual([...g.initializers.get(`${h}.range_max`)!.data], [1.5]);
  assert.equal(g.valueInfo.get(`${h}.range_nan`)!.dtype, 'bool');
  assert.equal(g.valueInfo.get(`${h}.raw`)!.dtype, 'float32');
  // The input graph is left as it was.
  assert.equal(m.graph.nodes.length, 2);
  assert.equal(m.graph.initializers.has(`${h}.range_max`), false);
});

test('before opset 11 the Clip bounds are attributes', () => {
  const m = doubler();
  const h = m.graph.nodes.find((n) => n.name === 'h')!.outputs[0]!;
  const g = withRangeDetector(m.graph, new Map([[h, 2]]), 10);
  const clip = g.nodes.find((n) => n.opType === 'Clip')!;
  assert.deepEqual(clip.inputs, [`${h}.raw`]);
  assert.deepEqual(Object.keys(clip.attrs).sort(), ['max', 'min']);
});

test('modelWithDetector returns the model itself when off', () => {
  const m = doubler();
  assert.equal(modelWithDetector(m, [{ tensor: 'h', maxAbs: 1 }], false), m);
});

test('the detected model clamps the layer output as rangeClamp does, NaN to +max', async () => {
  const m = doubler();
  const h = m.graph.nodes.find((n) => n.name === 'h')!.outputs[0]!;
  const checked = modelWithDetector(m, [{ tensor: h, maxAbs: 3 }], true);
  const s = await Session.create(checked, { threads: 1 });
  try {
    const x = [0.5, -1, 4, NaN, -Infinity, 1.5, -2, 0];
    const out = await s.run({ x: f32([2, 4], x) }, ['y']);
    assert.deepEqual(
      [...out.y!.data],
      x.map((v) => 2 * rangeClamp(2 * v, 3)),
    );
  } finally {
    await s.release();
  }
});
