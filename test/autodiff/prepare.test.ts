import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { attr } from '../../src/onnx/types.js';
import { f32 } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';
import { TgrError } from '../../src/core/errors.js';
import { gradGraphFor, prepareForward } from '../../src/autodiff/prepare.js';

test('Constant nodes become initializers, MaxPool gains its Indices output, every tensor gets a shape', () => {
  const b = new GraphBuilder('fwd');
  const x = b.input('x', 'float32', ['N', 1, 4, 4]);
  const [c] = b.node('Constant', [], { value: attr.tensor(f32([1], [2])) }, { name: 'two' });
  const p = b.maxPool(b.mul(x, c!), { kernel_shape: [2, 2], strides: [2, 2], name: 'pool' });
  b.output(p, 'y');
  const g = prepareForward(b.finishModel());
  assert.deepEqual(
    g.nodes.map((n) => n.opType),
    ['Mul', 'MaxPool', 'Identity'],
  );
  assert.deepEqual([...(g.initializers.get('two')!.data as Float32Array)], [2]);
  const pool = g.nodes.find((n) => n.opType === 'MaxPool')!;
  assert.deepEqual(pool.outputs, ['pool', 'pool.out1']);
  assert.deepEqual(g.valueInfo.get('pool.out1')?.dtype, 'int64');
  assert.deepEqual(g.valueInfo.get('pool')?.shape, ['N', 1, 2, 2]);
});

test('a model below opset 13 is refused with what to do', () => {
  const b = new GraphBuilder('old', { opset: 11 });
  b.output(b.relu(b.input('x', 'float32', [1])), 'y');
  assert.throws(
    () => prepareForward(b.finishModel()),
    (e) =>
      e instanceof TgrError &&
      e.code === 'bad_model' &&
      e.message === 'old: opset 11 is too old to train; expected ≥ 13 — re-export the model',
  );
});

test('training-mode BatchNormalization is written out: same output, running statistics updated, stats recorded', async () => {
  const b = new GraphBuilder('bn');
  const x = b.input('x', 'float32', [2, 1, 1, 2]);
  const [y, mean, variance] = b.batchNormalization(
    x,
    b.initializer('s', f32([1], [2])),
    b.initializer('b', f32([1], [1])),
    b.initializer('rm', f32([1], [10])),
    b.initializer('rv', f32([1], [20])),
    { training_mode: 1, momentum: 0.75, epsilon: 0, name: 'bn0' },
  );
  b.output(y!, 'y');
  b.output(mean!, 'rm.next');
  b.output(variance!, 'rv.next');
  const model = b.finishModel();
  const { b: gg, forward } = gradGraphFor(model);
  assert.deepEqual(gg.batchStats.get('bn0'), { xc: 'bn0.batch_xc', variance: 'bn0.batch_var' });
  const bn = forward.nodes.filter((n) => n.opType === 'BatchNormalization');
  assert.equal(bn.length, 1);
  assert.equal(bn[0]!.attrs.training_mode, undefined, 'the written-out BN runs in inference mode');
  const s = await Session.create({ ...model, graph: forward });
  const out = await s.run({ x: f32([2, 1, 1, 2], [1, 3, 5, 7]) });
  // Batch mean 4, biased variance (9 + 1 + 1 + 9)/4 = 5: y = 2·(x − 4)/√5 + 1.
  const want = [1, 3, 5, 7].map((v) => (2 * (v - 4)) / Math.sqrt(5) + 1);
  [...(out.y!.data as Float32Array)].forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6, `y[${i}] = ${v}`));
  // Running statistics as ORT updates them: r·momentum + batch·(1 − momentum).
  assert.deepEqual([...(out['rm.next']!.data as Float32Array)], [10 * 0.75 + 4 * 0.25]);
  assert.deepEqual([...(out['rv.next']!.data as Float32Array)], [20 * 0.75 + 5 * 0.25]);
  await s.release();
});
