import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32 } from '../../src/onnx/tensor.js';
import { vjp } from './vjp.js';

test('Gemm with both operands transposed, α and β: dA, dB as transposes, dC = β·dY summed to C', async () => {
  // A′ = Aᵀ = [1 2], B′ = Bᵀ = [[1 0 1], [0 1 1]], dY = [1 2 3], α = 2, β = ½.
  const g = await vjp(
    (b) =>
      b.gemm(b.input('A', 'float32', [2, 1]), b.input('B', 'float32', [3, 2]), b.input('C', 'float32', [3]), {
        alpha: 2,
        beta: 0.5,
        transA: 1,
        transB: 1,
      }),
    { A: f32([2, 1], [1, 2]), B: f32([3, 2], [1, 0, 0, 1, 1, 1]), C: f32([3], [0, 0, 0]) },
    { y0: f32([1, 3], [1, 2, 3]) },
    ['A', 'B', 'C'],
  );
  // dA′ = α·dY·B′ᵀ = 2·[4 5]; dB′ = α·A′ᵀ·dY = 2·[[1 2 3], [2 4 6]], stored transposed.
  assert.deepEqual(g, { A: [8, 10], B: [2, 4, 4, 8, 6, 12], C: [0.5, 1, 1.5] });
});

test('Gemm without transposes: dA = α·dY·Bᵀ, dB = α·Aᵀ·dY, dC = dY when β = 1', async () => {
  const g = await vjp(
    (b) =>
      b.gemm(b.input('A', 'float32', [1, 2]), b.input('B', 'float32', [2, 2]), b.input('C', 'float32', [1, 2]), {}),
    { A: f32([1, 2], [1, 2]), B: f32([2, 2], [1, 2, 3, 4]), C: f32([1, 2], [0, 0]) },
    { y0: f32([1, 2], [1, -1]) },
    ['A', 'B', 'C'],
  );
  assert.deepEqual(g, { A: [-1, -1], B: [1, -1, 2, -2], C: [1, -1] });
});

test('MatMul with a vector on either side: the lifted axis is squeezed off again', async () => {
  const B = f32([2, 3], [1, 0, 1, 0, 1, 1]);
  const left = await vjp(
    (b) => b.matMul(b.input('a', 'float32', [2]), b.input('B', 'float32', [2, 3])),
    { a: f32([2], [1, 2]), B },
    { y0: f32([3], [1, 2, 3]) },
    ['a', 'B'],
  );
  assert.deepEqual(left, { a: [4, 5], B: [1, 2, 3, 2, 4, 6] });
  const right = await vjp(
    (b) => b.matMul(b.input('B', 'float32', [2, 3]), b.input('v', 'float32', [3])),
    { B, v: f32([3], [1, 2, 3]) },
    { y0: f32([2], [1, -1]) },
    ['B', 'v'],
  );
  assert.deepEqual(right, { B: [1, 2, 3, -1, -2, -3], v: [1, -1, 0] });
});

test('batched MatMul: a weight broadcast over the batch gets the sum of the batch’s gradients', async () => {
  const g = await vjp(
    (b) => b.matMul(b.input('X', 'float32', [2, 1, 2]), b.input('W', 'float32', [2, 1])),
    { X: f32([2, 1, 2], [1, 2, 3, 4]), W: f32([2, 1], [1, 1]) },
    { y0: f32([2, 1, 1], [1, 10]) },
    ['X', 'W'],
  );
  assert.deepEqual(g, { X: [1, 1, 10, 10], W: [31, 42] });
});
