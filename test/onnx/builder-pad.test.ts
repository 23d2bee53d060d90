import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32 } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';

test('pad: constant pads infer the padded shape (batch stays symbolic) and ORT fills with the value', async () => {
  const b = new GraphBuilder('pad');
  const x = b.input('x', 'float32', ['N', 1, 2]);
  const y = b.pad(x, [0, 1, 0, 0, 0, 1], { name: 'p', value: 9 });
  assert.deepEqual(b.shape(y), ['N', 2, 3]);
  b.output(y, 'y');
  const out = await (await Session.create(b.finishModel())).run({ x: f32([1, 1, 2], [1, 2]) });
  assert.deepEqual(Array.from(out.y!.data as Float32Array), [9, 9, 9, 1, 2, 9]);
});
