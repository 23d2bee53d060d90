import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import type { TensorData } from '../../src/onnx/types.js';
import { f32 } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';
import { TgrError } from '../../src/core/errors.js';
import { gradientModel } from '../../src/autodiff/gradient-graph.js';

async function grads(
  build: (b: GraphBuilder, x: string) => string,
  x: TensorData,
  seed: TensorData,
): Promise<number[]> {
  const b = new GraphBuilder('g');
  b.output(build(b, b.input('x', 'float32', x.dims)), 'y');
  const s = await Session.create(gradientModel(b.finishModel(), ['x']));
  return Array.from((await s.run({ x, 'y.grad': seed }))['x.grad']!.data as Float32Array);
}

test('a tensor used twice gets the sum of both gradients', async () => {
  // y = x·x + x  →  dy/dx = 2x + 1
  const g = await grads((b, x) => b.add(b.mul(x, x), x), f32([3], [1, -2, 0.5]), f32([3], [1, 1, 2]));
  assert.deepEqual(g, [3, -3, 4]);
});

test('a broadcast operand gets its gradient summed back to its own shape', async () => {
  const b = new GraphBuilder('bc');
  const x = b.input('x', 'float32', [2, 3]);
  const c = b.input('c', 'float32', [3]);
  b.output(b.mul(x, c), 'y');
  const s = await Session.create(gradientModel(b.finishModel(), ['c']));
  const out = await s.run({
    x: f32([2, 3], [1, 2, 3, 4, 5, 6]),
    c: f32([3], [0, 0, 0]),
    'y.grad': f32([2, 3], [1, 1, 1, 1, 1, 1]),
  });
  assert.deepEqual(out['c.grad']!.dims, [3]);
  assert.deepEqual(Array.from(out['c.grad']!.data as Float32Array), [5, 7, 9]);
});

test('ReLU passes no gradient at exactly 0 (as PyTorch), Clip none at its bounds', async () => {
  assert.deepEqual(await grads((b, x) => b.relu(x), f32([3], [-1, 0, 2]), f32([3], [1, 1, 1])), [0, 0, 1]);
  assert.deepEqual(
    await grads((b, x) => b.clip(x, 0, 6), f32([4], [0, 3, 6, 7]), f32([4], [1, 1, 1, 1])),
    [0, 1, 0, 0],
  );
});

test('MaxPool sends a tied window’s gradient to the one element ORT picked, and adds where windows overlap', async () => {
  // 1×1×1×4 with windows [0,1], [1,2], [2,3] (kernel 2, stride 1): ties everywhere; ORT picks the first maximum.
  const g = await grads(
    (b, x) => b.maxPool(b.reshape(x, [1, 1, 1, 4]), { kernel_shape: [1, 2] }),
    f32([4], [5, 5, 5, 5]),
    f32([1, 1, 1, 3], [1, 10, 100]),
  );
  assert.deepEqual(g, [1, 10, 100, 0]);
  const overlap = await grads(
    (b, x) => b.maxPool(b.reshape(x, [1, 1, 1, 4]), { kernel_shape: [1, 2] }),
    f32([4], [0, 9, 1, 2]),
    f32([1, 1, 1, 3], [1, 10, 100]),
  );
  assert.deepEqual(overlap, [0, 11, 0, 100]);
});

test('an op without a rule is a missing_grad_rule error naming the op and the node', () => {
  const b = new GraphBuilder('m');
  const x = b.input('x', 'float32', [2]);
  b.output(b.node('Softplus', [x], {}, { name: 'soft' })[0]!, 'y');
  assert.throws(
    () => gradientModel(b.finishModel(), ['x']),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'missing_grad_rule' &&
      /node 'soft' \(op Softplus\)/.test(e.message) &&
      /ops with rules: Conv, Gemm/.test(e.message),
  );
});

test('a tensor the outputs do not depend on is reported, not silently zero', () => {
  const b = new GraphBuilder('m');
  const x = b.input('x', 'float32', [2]);
  b.input('unused', 'float32', [2]);
  b.output(b.relu(x), 'y');
  assert.throws(() => gradientModel(b.finishModel(), ['unused']), /'unused' does not reach any output/);
});
