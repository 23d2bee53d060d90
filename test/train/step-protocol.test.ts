import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compact, transferables } from '../../src/train/step-protocol.js';
import { f32 } from '../../src/onnx/tensor.js';

test('transferables finds every typed array that owns its whole buffer, once, at any depth', () => {
  const a = new Float32Array(4);
  const b = new BigInt64Array(2);
  const shared = new Float32Array(8);
  const view = shared.subarray(2, 4); // part of a larger buffer: never moved
  const found = transferables({ x: { data: a }, list: [b, a], view, n: 3, s: 'text', nothing: null });
  assert.deepEqual(found, [a.buffer, b.buffer]);
  assert.deepEqual(transferables(a), [a.buffer]);
  assert.deepEqual(transferables(undefined), []);
  const whole = new Uint8Array(new ArrayBuffer(8), 0, 8);
  assert.deepEqual(transferables([whole]), [whole.buffer]);
  assert.deepEqual(transferables(new Uint8Array(new ArrayBuffer(8), 1, 7)), [], 'an offset view is not moved');
});

test('compact copies a view into a buffer of its own and keeps a whole-buffer tensor as it is', () => {
  const own = f32([2], [1, 2]);
  assert.equal(compact(own), own);
  const big = new Float32Array([0, 1, 2, 3, 4, 5]);
  const t = { dtype: 'float32' as const, dims: [2], data: big.subarray(2, 4) };
  const c = compact(t);
  assert.deepEqual(Array.from(c.data), [2, 3]);
  assert.deepEqual([c.data.byteOffset, c.data.buffer.byteLength], [0, 8]);
  assert.deepEqual(c.dims, [2]);
  assert.deepEqual(transferables(c), [c.data.buffer]);
});
