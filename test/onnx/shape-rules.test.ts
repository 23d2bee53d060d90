import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broadcastShapes, nameUnknownDims, shapeRules, type InputInfo } from '../../src/onnx/shape-rules.js';
import { attr, type Attr, type Shape } from '../../src/onnx/types.js';
import { i64 } from '../../src/onnx/tensor.js';

const t = (shape: Shape): InputInfo => ({ dtype: 'float32', shape });
const c = (values: number[]): InputInfo => ({
  dtype: 'int64',
  shape: [values.length],
  value: i64([values.length], values),
});
const shapeOf = (op: string, ins: (InputInfo | undefined)[], attrs: Record<string, Attr> = {}, opset = 17) =>
  shapeRules[op]!(ins, attrs, opset).map((o) => o.shape);

test('broadcast follows numpy, keeps symbols, and names the shapes it cannot join', () => {
  assert.deepEqual(broadcastShapes(['N', 3, 1], [4]), ['N', 3, 4]);
  assert.deepEqual(broadcastShapes([1], ['N', 2]), ['N', 2]);
  assert.throws(() => broadcastShapes([2, 3], [4, 3]), /cannot broadcast shapes \[2,3\] and \[4,3\]/);
});

test('Conv, MaxPool (ceil_mode) and Gemm give the sizes the ONNX spec defines', () => {
  const conv = { strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]), kernel_shape: attr.ints([3, 3]) };
  assert.deepEqual(shapeOf('Conv', [t(['N', 3, 32, 32]), t([16, 3, 3, 3])], conv), [['N', 16, 16, 16]]);
  const pool = { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), ceil_mode: attr.int(1) };
  // floor((6 − 3) / 2) + 1 = 2 without ceil_mode; ceil gives 3 (the last window starts inside the input).
  assert.deepEqual(shapeOf('MaxPool', [t(['N', 4, 6, 6])], pool)[0], ['N', 4, 3, 3]);
  assert.deepEqual(shapeOf('Gemm', [t(['N', 64]), t([10, 64])], { transB: attr.int(1) }), [['N', 10]]);
  assert.deepEqual(shapeOf('MatMul', [t(['N', 5, 8]), t([8, 3])]), [['N', 5, 3]]);
});

test('Reshape (0 and −1), Flatten, Transpose and reductions with and without keepdims', () => {
  assert.deepEqual(shapeOf('Reshape', [t(['N', 4, 3, 2]), c([0, -1])]), [['N', 24]]);
  assert.deepEqual(shapeOf('Flatten', [t(['N', 4, 3, 2])]), [['N', 24]]);
  assert.deepEqual(shapeOf('Transpose', [t(['N', 4, 3])], { perm: attr.ints([0, 2, 1]) }), [['N', 3, 4]]);
  assert.deepEqual(shapeOf('ReduceMean', [t(['N', 4, 3])], { axes: attr.ints([2]), keepdims: attr.int(0) }), [
    ['N', 4],
  ]);
  assert.deepEqual(shapeOf('ReduceSum', [t(['N', 4, 3]), c([1])], {}, 13), [['N', 1, 3]]);
});

test('placeholder dims are named after the tensor and axis, the same on every build', () => {
  assert.deepEqual(nameUnknownDims(['N', '?', 3, '?'], 'y'), ['N', '?y:1', 3, '?y:3']);
});
