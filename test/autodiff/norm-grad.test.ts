import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32 } from '../../src/onnx/tensor.js';
import { TgrError } from '../../src/core/errors.js';
import { assertClose, vjp } from './vjp.js';

test('BatchNormalization in eval mode: dx = dy·γ/σ, dγ = Σ dy·(x − μ)/σ, dβ = Σ dy', async () => {
  // One channel, running mean 1 and variance 4 (σ = 2), γ = 3, ε = 0.
  const g = await vjp(
    (b) =>
      b.batchNormalization(
        b.input('x', 'float32', [1, 1, 1, 2]),
        b.input('scale', 'float32', [1]),
        b.input('bias', 'float32', [1]),
        b.initializer('mean', f32([1], [1])),
        b.initializer('var', f32([1], [4])),
        { epsilon: 0 },
      )[0]!,
    { x: f32([1, 1, 1, 2], [3, 5]), scale: f32([1], [3]), bias: f32([1], [0]) },
    { y0: f32([1, 1, 1, 2], [1, 2]) },
    ['x', 'scale', 'bias'],
  );
  assert.deepEqual(g, { x: [1.5, 3], scale: [5], bias: [3] });
});

test('the running statistics of a BatchNormalization get no gradient', async () => {
  await assert.rejects(
    vjp(
      (b) =>
        b.batchNormalization(
          b.input('x', 'float32', [1, 1, 1, 2]),
          b.initializer('scale', f32([1], [1])),
          b.initializer('bias', f32([1], [0])),
          b.initializer('mean', f32([1], [0])),
          b.initializer('var', f32([1], [1])),
        )[0]!,
      { x: f32([1, 1, 1, 2], [0, 1]) },
      { y0: f32([1, 1, 1, 2], [1, 1]) },
      ['mean'],
    ),
    (e) => e instanceof TgrError && /'mean' does not reach any output/.test(e.message),
  );
});

test('BatchNormalization in training mode: the batch statistics depend on x, so dx is centred and decorrelated', async () => {
  const x = [0, 1, 5, 2];
  const dy = [1, -2, 0.5, 4];
  const g = await vjp(
    (b) =>
      b.batchNormalization(
        b.input('x', 'float32', [4, 1, 1, 1]),
        b.input('scale', 'float32', [1]),
        b.input('bias', 'float32', [1]),
        b.initializer('mean', f32([1], [0])),
        b.initializer('var', f32([1], [1])),
        { epsilon: 0, training_mode: 1 },
      )[0]!,
    { x: f32([4, 1, 1, 1], x), scale: f32([1], [2]), bias: f32([1], [0]) },
    { y0: f32([4, 1, 1, 1], dy) },
    ['x', 'scale', 'bias'],
  );
  const mu = 2;
  const sigma = Math.sqrt(x.reduce((s, v) => s + (v - mu) ** 2, 0) / 4);
  const xhat = x.map((v) => (v - mu) / sigma);
  const meanDy = dy.reduce((a, b) => a + b) / 4;
  const meanDyXhat = dy.reduce((a, d, i) => a + d * xhat[i]!, 0) / 4;
  // dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)).
  assertClose(
    g.x!,
    dy.map((d, i) => (2 / sigma) * (d - meanDy - xhat[i]! * meanDyXhat)),
    1e-5,
    'dx',
  );
  assertClose(g.scale!, [4 * meanDyXhat], 1e-5, 'dγ');
  assert.deepEqual(g.bias, [3.5]);
});

test('LayerNormalization over the last axis: dx = σ⁻¹·(g − mean g − x̂·mean(g·x̂)), dγ = dy·x̂, dβ = dy', async () => {
  // x = [0, 3, 6]: μ = 3, σ = √6, x̂ = [−3, 0, 3]/√6; dy = [1, 0, 0], γ = 1.
  const g = await vjp(
    (b) =>
      b.layerNormalization(
        b.input('x', 'float32', [1, 3]),
        b.input('scale', 'float32', [3]),
        b.input('bias', 'float32', [3]),
        { epsilon: 0 },
      ),
    { x: f32([1, 3], [0, 3, 6]), scale: f32([3], [1, 1, 1]), bias: f32([3], [0, 0, 0]) },
    { y0: f32([1, 3], [1, 0, 0]) },
    ['x', 'scale', 'bias'],
  );
  const s6 = Math.sqrt(6);
  assertClose(g.x!, [1 / 6 / s6, -1 / 3 / s6, 1 / 6 / s6], 1e-6, 'dx');
  assertClose(g.scale!, [-3 / s6, 0, 0], 1e-6, 'dγ');
  assert.deepEqual(g.bias, [1, 0, 0]);
});

test('LayerNormalization: a gradient equal along the normalised axis passes nothing to x', async () => {
  const g = await vjp(
    (b) =>
      b.layerNormalization(
        b.input('x', 'float32', [2, 3]),
        b.initializer('s', f32([3], [1, 2, 3])),
        b.initializer('b', f32([3], [0, 0, 0])),
        {
          axis: 1,
        },
      ),
    { x: f32([2, 3], [1, 4, 2, -1, 0, 7]) },
    { y0: f32([2, 3], [2, 1, 2 / 3, 5, 2.5, 5 / 3]) },
    ['x'],
  );
  assertClose(g.x!, [0, 0, 0, 0, 0, 0], 1e-5, 'dx');
});
