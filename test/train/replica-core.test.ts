import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/engine/session.js';
import { scalar } from '../../src/onnx/tensor.js';
import { replicaInit } from '../../src/train/data-parallel.js';
import { ReplicaCore } from '../../src/train/replica-core.js';
import { initialCarried } from '../../src/train/weights.js';
import { linearBatch, linearStep } from './linear-step.js';

const { forward, graph } = linearStep();
const start = initialCarried(graph, forward);

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6) =>
  Array.from(a).forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `[${i}] ${v} vs ${b[i]}`));

test('grad gives the loss, logits and parameter gradients of its share; apply with them is the whole-graph step', async () => {
  const whole = await Session.create(graph.model, { threads: 1 });
  const { input, labels } = linearBatch(1);
  const want = await whole.run({ ...start, input, labels, lr: scalar(0.5), step: scalar(1) });
  await whole.release();

  const r = await ReplicaCore.create({ ...replicaInit(graph, forward, start, { seed: 0 }), index: 0 });
  await r.beginEpoch(0);
  const g = await r.grad({ input, labels });
  assert.equal(g.loss, (want.loss!.data as Float32Array)[0]);
  assert.deepEqual(Array.from(g.logits), Array.from(want[graph.outputs.logits]!.data as Float32Array));
  assert.deepEqual(Object.keys(g.grads), ['fc.weight', 'fc.bias']);
  assert.deepEqual(g.grads['fc.weight']!.dims, [3, 4]);
  assert.deepEqual(g.buffers, {});
  // The mean-loss gradient of the bias is the batch mean of softmax − one-hot, which sums to 0 over classes.
  const gb = g.grads['fc.bias']!.data as Float32Array;
  assert.ok(Math.abs(gb[0]! + gb[1]! + gb[2]!) < 1e-6);

  await r.apply({ grads: g.grads, buffers: g.buffers, lr: 0.5, step: 1 });
  const carried = await r.carried();
  for (const k of Object.keys(start)) close(carried[k]!.data as Float32Array, want[`${k}.next`]!.data as Float32Array);
  await r.close();
});

test('evalBatch follows the applied weights; carried() hands out copies', async () => {
  const r = await ReplicaCore.create({ ...replicaInit(graph, forward, start, { seed: 0 }), index: 1 });
  const x = linearBatch(3).input;
  const before = Array.from(await r.evalBatch(x));
  const g = await r.grad(linearBatch(1));
  await r.apply({ grads: g.grads, buffers: {}, lr: 0.5, step: 1 });
  const after = Array.from(await r.evalBatch(x));
  assert.notDeepEqual(after, before);
  const c = await r.carried();
  (c['fc.weight']!.data as Float32Array).fill(7);
  await r.grad(linearBatch(2)); // drops the eval session: the next evalBatch rebuilds it from the replica's state
  assert.deepEqual(Array.from(await r.evalBatch(x)), after);
  await r.close();
});
