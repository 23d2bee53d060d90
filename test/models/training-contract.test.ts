import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../src/models/registry.js';
import { parameterNames } from '../../src/models/count.js';
import { buildTrainingGraph } from '../../src/autodiff/training-graph.js';
import { Session } from '../../src/engine/session.js';
import { f32, i64, zeros } from '../../src/onnx/tensor.js';
import { Rng } from '../../src/core/rng.js';
import type { TensorData } from '../../src/onnx/types.js';

test('a train-mode model feeds autodiff: every parameter trains, every BN running stat is carried, SGD lowers the loss', async () => {
  const m = buildModel({
    backbone: 'resnet20',
    head: 'text-guided',
    inputShape: [3, 16, 16],
    numClasses: 10,
    embedDim: 16,
    mode: 'train',
  });
  const tg = buildTrainingGraph(m, {
    labelSmoothing: 0,
    optimizer: { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 0 },
  });
  assert.deepEqual(tg.params.map((p) => p.name).sort(), parameterNames(m.graph).sort());
  assert.deepEqual(
    tg.buffers.map((b) => `${b.name}.next`),
    m.graph.outputs.slice(1).map((o) => o.name),
  );
  const s = await Session.create(tg.model);
  const rng = new Rng(1);
  const feeds: Record<string, TensorData> = {
    [tg.feeds.input]: f32(
      [4, 3, 16, 16],
      Array.from({ length: 4 * 3 * 256 }, () => rng.normal()),
    ),
    [tg.feeds.labels]: i64([4], [1, 2, 3, 4]),
    [tg.feeds.lr]: f32([], [0.01]),
    [tg.feeds.step]: f32([], [1]),
  };
  const carried = [...tg.params, ...tg.state, ...tg.buffers];
  for (const p of carried) feeds[p.name] = m.graph.initializers.get(p.name) ?? zeros('float32', p.shape);
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) {
    const out = await s.run(feeds);
    losses.push((out[tg.outputs.loss]!.data as Float32Array)[0]!);
    for (const p of carried) feeds[p.name] = out[`${p.name}.next`]!;
  }
  assert.ok(losses[0]! > losses[1]! && losses[1]! > losses[2]!, `losses ${losses}`);
  await s.release();
});
