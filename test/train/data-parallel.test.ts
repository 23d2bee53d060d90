import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTrainingGraph } from '../../src/autodiff/training-graph.js';
import { splitTrainingGraph } from '../../src/autodiff/training-split.js';
import type { TrainingGraph, TrainingGraphOptions } from '../../src/autodiff/training-graph-types.js';
import { Rng } from '../../src/core/rng.js';
import { Session } from '../../src/engine/session.js';
import type { Model, TensorData } from '../../src/onnx/types.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { createDataParallelStepper, replicaInit } from '../../src/train/data-parallel.js';
import type { StepperMode } from '../../src/train/stepper.js';
import { train } from '../../src/train/train.js';
import { initialCarried } from '../../src/train/weights.js';
import { tinyResNet, tinyViT } from '../autodiff/tiny-nets.js';

const sgd: TrainingGraphOptions = {
  labelSmoothing: 0.1,
  optimizer: { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
};

/** A batch of `n` random images of a tiny net's input shape ([3, 6, 6] ResNet, [3, 4, 4] ViT), labels in 0..2. */
function batch(model: Model, n: number, seed: number) {
  const rng = new Rng(seed);
  const shape = model.graph.inputs[0]!.shape.slice(1) as number[];
  const d = shape.reduce((a, b) => a * b, 1);
  const input: TensorData = {
    dtype: 'float32',
    dims: [n, ...shape],
    data: Float32Array.from({ length: n * d }, () => rng.normal()),
  };
  const labels: TensorData = {
    dtype: 'int64',
    dims: [n],
    data: BigInt64Array.from({ length: n }, () => BigInt(rng.int(3))),
  };
  return { input, labels };
}

const scalar = (v: number): TensorData => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });

/** `steps` steps of the whole training graph in one session over the full batch: loss per step, final carried. */
async function singleSession(tg: TrainingGraph, forward: Model, steps: number, n: number) {
  const s = await Session.create(tg.model, { threads: 1 });
  let carried = initialCarried(tg, forward);
  const losses: number[] = [];
  for (let i = 1; i <= steps; i++) {
    const { input, labels } = batch(forward, n, i);
    const out = await s.run({
      ...carried,
      [tg.feeds.input]: input,
      [tg.feeds.labels]: labels,
      [tg.feeds.lr]: scalar(0.1),
      [tg.feeds.step]: scalar(i),
    });
    losses.push((out.loss!.data as Float32Array)[0]!);
    carried = Object.fromEntries(Object.keys(carried).map((k) => [k, out[`${k}.next`]!]));
  }
  await s.release();
  return { losses, carried };
}

/** The same steps through 2 data-parallel replicas. */
async function dataParallel(
  tg: TrainingGraph,
  forward: Model,
  evalModel: Model,
  steps: number,
  n: number,
  mode: StepperMode,
) {
  const init = replicaInit(tg, evalModel, initialCarried(tg, forward), { seed: 0 });
  const dp = await createDataParallelStepper(init, 2, mode);
  const losses: number[] = [];
  for (let i = 1; i <= steps; i++) {
    const { input, labels } = batch(forward, n, i);
    losses.push((await dp.step({ input, labels, lr: 0.1, step: i })).loss);
  }
  const carried = await dp.carried();
  await dp.close();
  return { losses, carried };
}

function maxAbsDiff(a: TensorData, b: TensorData): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  return m;
}

test('split training graph: the gradient graph has no optimizer inputs, the update graph no forward', () => {
  const tg = buildTrainingGraph(tinyResNet(), sgd, { gradOutputs: true });
  const { grad, update } = splitTrainingGraph(tg);
  const names = (m: Model) => m.graph.inputs.map((v) => v.name);
  assert.ok(!names(grad).includes('lr') && !names(grad).includes('step'));
  assert.ok(!names(grad).some((n) => n.endsWith('.momentum_buffer')));
  assert.equal(grad.graph.outputs.length, 2 + tg.params.length + tg.buffers.length);
  assert.ok(!names(update).includes('input') && !names(update).includes('labels'));
  assert.ok(!update.graph.nodes.some((n) => n.opType === 'Conv' || n.opType === 'BatchNormalization'));
  assert.deepEqual(
    update.graph.outputs.map((o) => o.name),
    [...tg.params.map((p) => `${p.name}.next`), ...tg.state.map((s) => `${s.name}.next`)],
  );
});

test('data-parallel steps equal single-session steps on the full batch without BatchNormalization (tiny ViT, LayerNorm)', async () => {
  const forward = tinyViT();
  const tg = buildTrainingGraph(forward, sgd, { gradOutputs: true });
  const one = await singleSession(tg, forward, 3, 8);
  const two = await dataParallel(tg, forward, forward, 3, 8, 'inline');
  for (let i = 0; i < 3; i++)
    assert.ok(Math.abs(one.losses[i]! - two.losses[i]!) < 1e-6, `loss ${one.losses} vs ${two.losses}`);
  // The losses move, so the comparison is not of untouched weights.
  assert.ok(Math.abs(one.losses[2]! - one.losses[0]!) > 1e-3);
  for (const [k, v] of Object.entries(one.carried)) {
    const d = maxAbsDiff(v, two.carried[k]!);
    assert.ok(d < 2e-6, `${k}: differs by ${d}`);
  }
});

test('data-parallel steps with BatchNormalization are ghost batch norm: each share normalised by its own statistics', async () => {
  const forward = tinyResNet();
  const tg = buildTrainingGraph(forward, sgd, { gradOutputs: true });
  const two = await dataParallel(tg, forward, forward, 1, 8, 'inline');
  // The reference: the whole graph run on each half alone; the mean of their losses, gradients' update and running
  // statistics is what the replicas give.
  const s = await Session.create(tg.model, { threads: 1 });
  const { input, labels } = batch(forward, 8, 1);
  const start = initialCarried(tg, forward);
  const half = async (h: number) => {
    const rows = (t: TensorData) => {
      const per = t.data.length / 8;
      return { ...t, dims: [4, ...t.dims.slice(1)], data: t.data.slice(h * 4 * per, (h + 1) * 4 * per) } as TensorData;
    };
    return s.run({
      ...start,
      [tg.feeds.input]: rows(input),
      [tg.feeds.labels]: rows(labels),
      [tg.feeds.lr]: scalar(0.1),
      [tg.feeds.step]: scalar(1),
    });
  };
  const [a, b] = [await half(0), await half(1)];
  const full = await singleSession(tg, forward, 1, 8);
  await s.release();
  const f = (t: TensorData, i = 0) => (t.data as Float32Array)[i]!;
  assert.ok(Math.abs(two.losses[0]! - (f(a.loss!) + f(b.loss!)) / 2) < 1e-6);
  // First SGD step from zero momentum: p − lr·(g + μ·g) with g the mean of the halves' gradients (decay included).
  for (const p of ['conv1.weight', 'layer2.conv2.weight', 'fc.bias']) {
    const ga = a[`${p}.grad`]!.data as Float32Array;
    const gb = b[`${p}.grad`]!.data as Float32Array;
    const w0 = start[p]!.data as Float32Array;
    const w1 = two.carried[p]!.data as Float32Array;
    const decay = tg.params.find((q) => q.name === p)!.decay ? 1e-3 : 0;
    for (let i = 0; i < w0.length; i++) {
      const g = (ga[i]! + gb[i]!) / 2 + decay * w0[i]!;
      assert.ok(Math.abs(w1[i]! - (w0[i]! - 0.1 * 1.9 * g)) < 1e-6, `${p}[${i}]`);
    }
  }
  // Running statistics are the mean of the halves' updates. For the first BN, whose input no BN has touched, the
  // running mean is the full batch's; the running variance misses the spread between the halves' means.
  assert.ok(maxAbsDiff(two.carried['bn1.running_mean']!, full.carried['bn1.running_mean']!) < 1e-6);
  for (const bn of ['bn1', 'layer2.bn1']) {
    for (const stat of ['running_mean', 'running_var']) {
      const t = `${bn}.${stat}`;
      const want = (a[`${t}.next`]!.data as Float32Array).map((x, i) => (x + f(b[`${t}.next`]!, i)) / 2);
      assert.ok(maxAbsDiff(two.carried[t]!, { ...two.carried[t]!, data: want }) < 1e-6, t);
    }
    const v = `${bn}.running_var`;
    assert.ok(
      maxAbsDiff(two.carried[v]!, full.carried[v]!) > 1e-4,
      `${v}: ghost statistics differ from the full batch's`,
    );
  }
});

test('replicas in worker threads give the inline replicas’ weights, bit for bit', async () => {
  const forward = tinyResNet();
  const tg = buildTrainingGraph(forward, sgd, { gradOutputs: true });
  const inline = await dataParallel(tg, forward, forward, 2, 8, 'inline');
  const worker = await dataParallel(tg, forward, forward, 2, 8, 'worker');
  assert.deepEqual(worker.losses, inline.losses);
  for (const [k, v] of Object.entries(inline.carried)) assert.deepEqual(worker.carried[k]!.data, v.data, k);
});

test('train --parallel data: two runs with one seed leave identical checkpoints; an odd batch is one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-dp-'));
  const run = (out: string, batchSize = 16) =>
    train({
      backbone: 'resnet20',
      dataset: 'synthetic',
      recipe: 'fashion-quick',
      epochs: 1,
      batchSize,
      out: join(dir, out),
      limitTrain: 64,
      limitTest: 32,
      seed: 4,
      threads: 2,
      parallel: 'data',
      quiet: true,
    });
  const [a, b] = [await run('a'), await run('b')];
  assert.equal(a.accuracy, b.accuracy);
  assert.equal(a.meta.replicas, 2);
  // The files differ in their wall seconds only; every tensor is equal bit for bit.
  const [ca, cb] = ['a', 'b'].map((r) => loadCheckpoint(join(dir, r, 'checkpoint.safetensors')));
  assert.equal(ca!.epoch, 1);
  for (const [k, v] of ca!.tensors) assert.deepEqual(cb!.tensors.get(k)!.data, v.data, k);
  await assert.rejects(run('c', 15), {
    message:
      '--batch-size 15: data-parallel training over 2 replicas needs a multiple of 2; pick such a batch size or fewer --threads',
  });
});
