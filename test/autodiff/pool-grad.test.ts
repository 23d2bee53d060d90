import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32 } from '../../src/onnx/tensor.js';
import { vjp } from './vjp.js';

const row = (n: number) => [1, 1, 1, n];

test('AveragePool: each window’s divisor counts padding only with count_include_pad', async () => {
  // Width 3, kernel 2, stride 1, one pad each side: windows [pad x0] [x0 x1] [x1 x2] [x2 pad].
  const grad = (countIncludePad: number) =>
    vjp(
      (b) =>
        b.averagePool(b.input('x', 'float32', row(3)), {
          kernel_shape: [1, 2],
          pads: [0, 1, 0, 1],
          count_include_pad: countIncludePad,
        }),
      { x: f32(row(3), [5, 6, 7]) },
      { y0: f32(row(4), [1, 1, 1, 1]) },
      ['x'],
    );
  assert.deepEqual((await grad(0)).x, [1.5, 1, 1.5]);
  assert.deepEqual((await grad(1)).x, [1, 1, 1]);
});

test('AveragePool with ceil_mode: the last window hangs over the end and divides by the one element it holds', async () => {
  const g = await vjp(
    (b) => b.averagePool(b.input('x', 'float32', row(5)), { kernel_shape: [1, 2], strides: [1, 2], ceil_mode: 1 }),
    { x: f32(row(5), [0, 0, 0, 0, 0]) },
    { y0: f32(row(3), [1, 2, 3]) },
    ['x'],
  );
  assert.deepEqual(g.x, [0.5, 0.5, 1, 1, 3]);
});

test('AveragePool without padding on a 2-D window: a quarter of dy to each element it covered, summed where windows overlap', async () => {
  const g = await vjp(
    (b) => b.averagePool(b.input('x', 'float32', [1, 1, 3, 3]), { kernel_shape: [2, 2] }),
    { x: f32([1, 1, 3, 3], new Array(9).fill(0)) },
    { y0: f32([1, 1, 2, 2], [4, 8, 12, 16]) },
    ['x'],
  );
  assert.deepEqual(g.x, [1, 3, 2, 4, 10, 6, 3, 7, 4]);
});

test('GlobalAveragePool spreads dy / (H·W) over each channel', async () => {
  const g = await vjp(
    (b) => b.globalAveragePool(b.input('x', 'float32', [1, 2, 2, 2])),
    { x: f32([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]) },
    { y0: f32([1, 2, 1, 1], [4, 8]) },
    ['x'],
  );
  assert.deepEqual(g.x, [1, 1, 1, 1, 2, 2, 2, 2]);
});

test('MaxPool sends each dy to its window’s maximum only', async () => {
  const g = await vjp(
    (b) => b.maxPool(b.input('x', 'float32', row(4)), { kernel_shape: [1, 2], strides: [1, 2] }),
    { x: f32(row(4), [1, 5, 2, 0]) },
    { y0: f32(row(2), [10, 20]) },
    ['x'],
  );
  assert.deepEqual(g.x, [0, 10, 20, 0]);
});
