import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldConstants } from '../../../src/faults/model/fold.js';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';

test('nodes computing from initializers only become initializers, run once in ONNX Runtime', async () => {
  const b = new GraphBuilder('f');
  const x = b.input('x', 'float32', ['N', 2]);
  const scale = b.exp(b.initializer('logit_scale', f32([], [Math.log(4)])), { name: 'scale' });
  const wT = b.transpose(b.initializer('w', f32([3, 2], [1, 2, 3, 4, 5, 6])), [1, 0], { name: 'wT' });
  b.neg(wT, { name: 'unused' }); // folded and dropped: nothing reads it
  b.output(b.mul(b.matMul(x, wT, { name: 'mm' }), scale, { name: 'y' }));
  const m = await foldConstants(b.finishModel());
  const g = m.graph;
  assert.deepEqual(
    g.nodes.map((n) => n.name),
    ['mm', 'y'],
  );
  assert.deepEqual(g.initializers.get('wT'), f32([2, 3], [1, 3, 5, 2, 4, 6]));
  assert.deepEqual(g.initializers.get('scale')!.dims, []);
  assert.ok(Math.abs((g.initializers.get('scale')!.data as Float32Array)[0]! - 4) < 1e-6);
  assert.equal(g.initializers.has('unused'), false);
  assert.equal(g.valueInfo.has('wT'), false);
  assert.equal(g.valueInfo.has('mm'), true);
});

test('a model with nothing to fold comes back as it was; Dropout is never folded', async () => {
  const b = new GraphBuilder('d');
  const x = b.input('x', 'float32', ['N', 2]);
  const noisy = b.dropout(b.initializer('w', f32([2], [1, 1])), 0.5, true, { name: 'drop' });
  b.output(b.add(x, noisy, { name: 'y' }));
  const m = b.finishModel();
  assert.equal(await foldConstants(m), m);
});
