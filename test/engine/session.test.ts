import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32 } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';

test('a built graph runs in ONNX Runtime with the expected values', async () => {
  const b = new GraphBuilder('affine');
  const x = b.input('x', 'float32', ['N', 2]);
  const w = b.initializer('w', f32([2, 2], [1, 2, 3, 4]));
  const c = b.initializer('c', f32([2], [0.5, -0.5]));
  b.output(b.gemm(x, w, c, { transB: 1 }), 'y');
  const s = await Session.create(b.finishModel());
  const out = await s.run({ x: f32([1, 2], [1, 1]) });
  assert.deepEqual(Array.from(out.y!.data as Float32Array), [3.5, 6.5]);
  assert.deepEqual(out.y!.dims, [1, 2]);
});

test('l2Normalize composite gives unit rows', async () => {
  const b = new GraphBuilder('norm');
  const x = b.input('x', 'float32', ['N', 3]);
  b.output(b.l2Normalize(x, -1), 'y');
  const s = await Session.create(b.finishModel());
  const y = (await s.run({ x: f32([2, 3], [3, 0, 4, 0, 0, 2]) })).y!.data as Float32Array;
  assert.deepEqual(
    Array.from(y).map((v) => Math.round(v * 1e6) / 1e6),
    [0.6, 0, 0.8, 0, 0, 1],
  );
});
