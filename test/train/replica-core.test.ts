import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/engine/session.js';
import { f32, scalar } from '../../src/onnx/tensor.js';
import type { TensorData } from '../../src/onnx/types.js';
import { buildTrainingGraph } from '../../src/autodiff/training-graph.js';
import { splitTrainingGraph } from '../../src/autodiff/training-split.js';
import { Rng } from '../../src/core/rng.js';
import { replicaInit } from '../../src/train/data-parallel.js';
import { ReplicaCore } from '../../src/train/replica-core.js';
import { initialCarried } from '../../src/train/weights.js';
import { linearBatch, linearStep } from './linear-step.js';
import { tinyResNet } from '../autodiff/tiny-nets.js';

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

test('apply is fused into the next grad run: k steps give bit for bit the weights of the gradient and update graphs run in turn (tiny ResNet, BN, Nesterov)', async () => {
  const net = tinyResNet();
  const tg = buildTrainingGraph(
    net,
    { labelSmoothing: 0.1, optimizer: { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-3 } },
    { gradOutputs: true, threads: 1 },
  );
  const { grad, update } = splitTrainingGraph(tg);
  const params = tg.params.map((p) => p.name);
  const buffers = tg.buffers.map((b) => b.name);
  const shareOf = (i: number): { input: TensorData; labels: TensorData } => {
    const rng = new Rng(i);
    return {
      input: f32(
        [4, 3, 6, 6],
        Array.from({ length: 4 * 108 }, () => rng.normal()),
      ),
      labels: { dtype: 'int64', dims: [4], data: BigInt64Array.from({ length: 4 }, () => BigInt(rng.int(3))) },
    };
  };
  // The reference: the two halves as separate sessions with the replica's session options, one after the other.
  const gs = await Session.create(grad, { threads: 1, memPattern: false, blockedConvs: true });
  const us = await Session.create(update, { threads: 1 });
  let state = initialCarried(tg, net);
  const wantLoss: number[] = [];
  for (let i = 1; i <= 3; i++) {
    const g = await gs.run({ ...pick(state, [...params, ...buffers]), ...shareOf(i) });
    wantLoss.push((g.loss!.data as Float32Array)[0]!);
    const u: Record<string, TensorData> = { lr: scalar(0.1), step: scalar(i) };
    for (const n of us.inputNames) if (!u[n]) u[n] = g[n] ?? state[n]!;
    const next = await us.run(u);
    state = Object.fromEntries(
      Object.keys(state).map((k) => [k, buffers.includes(k) ? g[`${k}.next`]! : next[`${k}.next`]!]),
    );
  }
  await gs.release();
  await us.release();

  const r = await ReplicaCore.create({ ...replicaInit(tg, net, initialCarried(tg, net), { seed: 0 }), index: 0 });
  const losses: number[] = [];
  for (let i = 1; i <= 3; i++) {
    const g = await r.grad(shareOf(i));
    losses.push(g.loss);
    await r.apply({ grads: g.grads, buffers: g.buffers, lr: 0.1, step: i });
  }
  assert.deepEqual(losses, wantLoss);
  assert.notEqual(wantLoss[0], wantLoss[2]);
  const got = await r.carried();
  assert.deepEqual(Object.keys(got).sort(), Object.keys(state).sort());
  for (const k of Object.keys(state)) assert.deepEqual(got[k]!.data, state[k]!.data, k);
  await r.close();
});

test('apply twice without a grad between is refused (an update would be lost)', async () => {
  const r = await ReplicaCore.create({ ...replicaInit(graph, forward, start, { seed: 0 }), index: 0 });
  const g = await r.grad(linearBatch(1));
  await r.apply({ grads: g.grads, buffers: {}, lr: 0.5, step: 1 });
  await assert.rejects(
    r.apply({ grads: g.grads, buffers: {}, lr: 0.5, step: 2 }),
    /apply twice without a step between/,
  );
  await r.close();
});

function pick(t: Record<string, TensorData>, names: string[]): Record<string, TensorData> {
  return Object.fromEntries(names.map((n) => [n, t[n]!]));
}
