import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32 } from '../../src/onnx/tensor.js';
import { EvalSession } from '../../src/train/eval-session.js';
import { linearBatch, linearStep } from './linear-step.js';

const { forward } = linearStep();
const x = f32([1, 4], [1, 0, 0, 1]);
const weights = (scale: number) => ({
  'fc.weight': f32(
    [3, 4],
    [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1].map((v) => v * scale),
  ),
  'fc.bias': f32([3], [0, 0, 0.5]),
});

test('run gives the eval graph’s logits with the weights given, as a copy', async () => {
  const s = new EvalSession(forward, { threads: 1 });
  const y = await s.run(weights(2), x);
  assert.deepEqual(Array.from(y), [2, 0, 2.5]);
  assert.equal(y.byteOffset, 0);
  assert.equal(y.buffer.byteLength, 12);
  const batch = await s.run(weights(2), linearBatch().input);
  assert.equal(batch.length, 12);
  await s.drop();
});

test('the session keeps the weights of its build until drop; the next run builds over the new ones', async () => {
  const s = new EvalSession(forward, { threads: 1 });
  assert.deepEqual(Array.from(await s.run(weights(1), x)), [1, 0, 1.5]);
  assert.deepEqual(Array.from(await s.run(weights(3), x)), [1, 0, 1.5]); // still the first build
  await s.drop();
  assert.deepEqual(Array.from(await s.run(weights(3), x)), [3, 0, 3.5]);
  await s.drop();
  await s.drop(); // nothing to free: a no-op
});
