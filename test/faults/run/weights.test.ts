import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Graph, Node } from '../../../src/onnx/types.js';
import { weightChange } from '../../../src/faults/run/weights.js';

/** A graph holding one weight initializer `w` (dims, data) and the value info of input `x` ([N, …inShape]). */
function graphWith(dims: number[], data: number[], inShape: number[] = []): Graph {
  return {
    name: 'g',
    nodes: [],
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, ...inShape] }],
    outputs: [],
    initializers: new Map([['w', { dtype: 'float32', dims, data: Float32Array.from(data) }]]),
    valueInfo: new Map(),
  };
}

const node = (opType: string, attrs: Node['attrs'] = {}): Node => ({
  name: 'n',
  opType,
  inputs: ['x', 'w'],
  outputs: ['y'],
  attrs,
});

test('weightChange, MatMul: one weight moves its output column by δ·x; two weights of a column add their moves', () => {
  // x [2 rows, 2] · w [2, 3]: w[k][m] moves output (r, m) by (w' − w)·x[r][k].
  const g = graphWith([2, 3], [1, 2, 3, 4, 5, 6]);
  const x = Float32Array.of(1, 2, 3, 4);
  const y = Float32Array.of(9, 12, 15, 19, 26, 33);
  const one = weightChange(g, node('MatMul'), { index: [1], value: [4] }, x, y, [2, 3])!;
  assert.deepEqual([...one.index], [1, 4]);
  assert.deepEqual([...one.value], [12 + 2 * 1, 26 + 2 * 3]);
  // w[0][1] 2 → 4 and w[1][1] 5 → 1: column 1 moves by 2·x0 − 4·x1.
  const two = weightChange(g, node('MatMul'), { index: [1, 4], value: [4, 1] }, x, y, [2, 3])!;
  assert.deepEqual([...two.index], [1, 4]);
  assert.deepEqual([...two.value], [12 + 2 * 1 - 4 * 2, 26 + 2 * 3 - 4 * 4]);
});

test('weightChange, Gemm with transB: weights of two outputs move both; the sum rounds to fp32 once per output', () => {
  // w [3 outputs, 2 inputs] with transB: w[m][k] moves output m by α(w' − w)·x[k].
  const g = graphWith([3, 2], [1, 1, 1, 1, 1, 1]);
  const x = Float32Array.of(0.1, 3);
  const y = Float32Array.of(1, 1, 1);
  const gemm = node('Gemm', { transB: { type: 'int', value: 1 }, alpha: { type: 'float', value: 2 } });
  const c = weightChange(g, gemm, { index: [0, 1, 4], value: [2, 1.5, 0] }, x, y, [3])!;
  assert.deepEqual([...c.index], [0, 2]);
  const x0 = Math.fround(0.1);
  assert.deepEqual([...c.value], [Math.fround(1 + (2 * x0 * 1 + 2 * 3 * 0.5)), Math.fround(1 + 2 * x0 * -1)]);
});

test('weightChange, Conv: two weights of one kernel move the same output plane, each through its own input pixels', () => {
  // One input channel 2×2, two output channels of a 1×2 kernel, no padding: a 2×1 output plane per channel.
  const g = graphWith([2, 1, 1, 2], [1, 2, 3, 4], [1, 2, 2]);
  const x = Float32Array.of(1, 2, 3, 4);
  const y = Float32Array.of(5, 11, 11, 25);
  // w[0][0][0][0] 1 → 2 and w[0][0][0][1] 2 → 0: plane 0 moves by x[oy][0] − 2·x[oy][1].
  const c = weightChange(g, node('Conv'), { index: [0, 1], value: [2, 0] }, x, y, [2, 2, 1])!;
  assert.deepEqual([...c.index], [0, 1]);
  assert.deepEqual([...c.value], [5 + 1 - 2 * 2, 11 + 3 - 2 * 4]);
  assert.equal(
    weightChange(
      g,
      node('Conv', { auto_pad: { type: 'string', value: 'SAME_UPPER' } }),
      { index: [0], value: [2] },
      x,
      y,
      [2, 2, 1],
    ),
    undefined,
  );
});
