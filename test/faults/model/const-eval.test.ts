import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broadcastIndexer, constValue } from '../../../src/faults/model/const-eval.js';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32, i64 } from '../../../src/onnx/tensor.js';

/** exp(logit_scale)·w and w + 1, both from constants; x·w depends on the input. */
function graph() {
  const b = new GraphBuilder('c');
  const x = b.input('x', 'float32', ['N', 3]);
  const s = b.initializer('logit_scale', f32([], [Math.log(2)]));
  const w = b.initializer('w', f32([3], [1, 0.1, -4]));
  const scaled = b.mul(b.exp(s, { name: 'e' }), w, { name: 'scaled' });
  const shifted = b.add(w, b.float(1), { name: 'shifted' });
  const recip = b.reciprocal(b.neg(shifted), { name: 'recip' });
  const two = b.sub(w, b.initializer('v', f32([3], [1, 1, 1])), { name: 'vec' }); // two vectors: not folded
  const y = b.mul(x, scaled, { name: 'y' });
  b.initializer('shape', i64([1], [3]));
  for (const t of [y, recip, two]) b.output(t);
  return b.finish();
}

test('constValue folds a scalar op against a constant, rounding to fp32 after each op', () => {
  const g = graph();
  const scaled = constValue(g, 'scaled')!;
  assert.deepEqual(scaled.dims, [3]);
  const e = Math.fround(Math.exp(Math.fround(Math.log(2))));
  assert.deepEqual(
    Array.from(scaled.data),
    [1, 0.1, -4].map((v) => Math.fround(e * Math.fround(v))),
  );
  const s1 = Math.fround(Math.fround(0.1) + 1);
  assert.deepEqual(Array.from(constValue(g, 'shifted')!.data), [2, s1, -3]);
  assert.deepEqual(Array.from(constValue(g, 'recip')!.data), [-0.5, Math.fround(-1 / s1), Math.fround(1 / 3)]);
  assert.deepEqual(constValue(g, 'w'), { dims: [3], data: Float32Array.of(1, 0.1, -4) });
});

test('constValue is undefined for input-dependent tensors, non-float initializers and vector-by-vector ops', () => {
  const g = graph();
  assert.equal(constValue(g, 'y'), undefined);
  assert.equal(constValue(g, 'x'), undefined);
  assert.equal(constValue(g, 'shape'), undefined);
  assert.equal(constValue(g, 'vec'), undefined);
  assert.equal(constValue(g, 'nothing'), undefined);
});

test('broadcastIndexer maps a per-image flat index to the index of a right-aligned broadcast constant', () => {
  const shape = [2, 3]; // per image; the batch axis comes first
  const perChannel = broadcastIndexer({ dims: [2, 1], data: new Float32Array(2) }, shape)!;
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(perChannel), [0, 0, 0, 1, 1, 1]);
  const perColumn = broadcastIndexer({ dims: [3], data: new Float32Array(3) }, shape)!;
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(perColumn), [0, 1, 2, 0, 1, 2]);
  const whole = broadcastIndexer({ dims: [1, 2, 3], data: new Float32Array(6) }, shape)!;
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(whole), [0, 1, 2, 3, 4, 5]);
  const scalar = broadcastIndexer({ dims: [], data: new Float32Array(1) }, shape)!;
  assert.deepEqual([0, 5].map(scalar), [0, 0]);
});

test('broadcastIndexer refuses a constant that would widen the tensor: more dims, a size mismatch or a batch axis', () => {
  const c = (dims: number[]) => ({ dims, data: new Float32Array(0) });
  assert.equal(broadcastIndexer(c([1, 1, 2, 3]), [2, 3]), undefined);
  assert.equal(broadcastIndexer(c([4]), [2, 3]), undefined);
  assert.equal(broadcastIndexer(c([5, 2, 3]), [2, 3]), undefined);
});
