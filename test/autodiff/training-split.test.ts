import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import type { Model, TensorData } from '../../src/onnx/types.js';
import { f32, i64 } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';
import { buildTrainingGraph } from '../../src/autodiff/training-graph.js';
import { fuseUpdateIntoGrad, splitTrainingGraph } from '../../src/autodiff/training-split.js';
import type { TrainingGraphOptions } from '../../src/autodiff/training-graph-types.js';
import { lowerConvsToBlocked, nchwcDomain } from '../../src/engine/blocked-convs.js';
import { tinyResNet } from './tiny-nets.js';

/** A linear classifier, 3 features → 2 classes (weight and bias), trained with SGD + momentum and weight decay. */
function linear(): Model {
  const b = new GraphBuilder('lin');
  const x = b.input('input', 'float32', ['N', 3]);
  const w = b.initializer('fc.weight', f32([2, 3], [0.1, -0.2, 0.3, 0.4, 0.0, -0.1]));
  b.output(b.gemm(x, w, b.initializer('fc.bias', f32([2], [0.05, -0.05])), { transB: 1 }), 'logits');
  return b.finishModel();
}
const opts: TrainingGraphOptions = {
  labelSmoothing: 0.1,
  optimizer: { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 0.01 },
};
const names = (m: Model, side: 'inputs' | 'outputs') => m.graph[side].map((v) => v.name);

test('the gradient graph reads batch and parameters and writes loss, logits, gradients; the update reads no batch', () => {
  const tg = buildTrainingGraph(linear(), opts, { gradOutputs: true });
  const { grad, update } = splitTrainingGraph(tg);
  assert.deepEqual(grad.graph.name, 'lin.grad');
  assert.deepEqual(update.graph.name, 'lin.update');
  assert.deepEqual(names(grad, 'inputs').sort(), ['fc.bias', 'fc.weight', 'input', 'labels']);
  assert.deepEqual(names(grad, 'outputs'), ['loss', 'logits', 'fc.weight.grad', 'fc.bias.grad']);
  assert.deepEqual(names(update, 'inputs').sort(), [
    'fc.bias',
    'fc.bias.grad',
    'fc.bias.momentum_buffer',
    'fc.weight',
    'fc.weight.grad',
    'fc.weight.momentum_buffer',
    'lr',
  ]);
  assert.deepEqual(names(update, 'outputs'), [
    'fc.weight.next',
    'fc.bias.next',
    'fc.weight.momentum_buffer.next',
    'fc.bias.momentum_buffer.next',
  ]);
});

test('a step split in two gives what the whole training graph gives', async () => {
  const tg = buildTrainingGraph(linear(), opts, { gradOutputs: true });
  const { grad, update } = splitTrainingGraph(tg);
  const feeds: Record<string, TensorData> = {
    input: f32([2, 3], [1, 2, 3, -1, 0.5, 2]),
    labels: i64([2], [1, 0]),
    lr: f32([], [0.1]),
    step: f32([], [1]),
    'fc.weight': f32([2, 3], [0.1, -0.2, 0.3, 0.4, 0.0, -0.1]),
    'fc.bias': f32([2], [0.05, -0.05]),
    'fc.weight.momentum_buffer': f32([2, 3], [0.01, 0.02, 0.03, 0.04, 0.05, 0.06]),
    'fc.bias.momentum_buffer': f32([2], [0.1, -0.1]),
  };
  const run = async (m: Model, f: Record<string, TensorData>) => {
    const s = await Session.create(m);
    const only = Object.fromEntries(names(m, 'inputs').map((n) => [n, f[n]!]));
    const out = await s.run(only);
    await s.release();
    return out;
  };
  const whole = await run(tg.model, feeds);
  const g = await run(grad, feeds);
  const u = await run(update, { ...feeds, ...g });
  for (const k of ['loss', 'logits', 'fc.weight.grad', 'fc.bias.grad']) assert.deepEqual(g[k], whole[k], k);
  for (const k of names(update, 'outputs')) assert.deepEqual(u[k], whole[k], k);
});

test('a training graph built without gradient outputs cannot be split', () => {
  const tg = buildTrainingGraph(linear(), opts);
  assert.throws(
    () => splitTrainingGraph(tg),
    /training graph has no output fc\.weight\.grad \(build it with gradOutputs to split it\)/,
  );
});

test('the update-then-gradient graph: its names, the gate on (update, then gradients at the new weights) and off (gradients at the fed weights)', async () => {
  const tg = buildTrainingGraph(linear(), opts, { gradOutputs: true });
  const split = splitTrainingGraph(tg);
  const fused = fuseUpdateIntoGrad(split, ['fc.weight', 'fc.bias']);
  assert.equal(fused.graph.name, 'lin.update-grad');
  assert.deepEqual(names(fused, 'inputs').sort(), [
    'apply_update',
    'fc.bias',
    'fc.bias.grad.in',
    'fc.bias.momentum_buffer',
    'fc.weight',
    'fc.weight.grad.in',
    'fc.weight.momentum_buffer',
    'input',
    'labels',
    'lr',
  ]);
  assert.deepEqual(names(fused, 'outputs'), [...names(split.grad, 'outputs'), ...names(split.update, 'outputs')]);
  const run = async (m: Model, f: Record<string, TensorData>) => {
    const s = await Session.create(m);
    const out = await s.run(Object.fromEntries(names(m, 'inputs').map((n) => [n, f[n]!])));
    await s.release();
    return out;
  };
  const feeds: Record<string, TensorData> = {
    input: f32([2, 3], [1, 2, 3, -1, 0.5, 2]),
    labels: i64([2], [1, 0]),
    lr: f32([], [0.1]),
    'fc.weight': f32([2, 3], [0.1, -0.2, 0.3, 0.4, 0.0, -0.1]),
    'fc.bias': f32([2], [0.05, -0.05]),
    'fc.weight.momentum_buffer': f32([2, 3], [0.01, 0.02, 0.03, 0.04, 0.05, 0.06]),
    'fc.bias.momentum_buffer': f32([2], [0.1, -0.1]),
    'fc.weight.grad.in': f32([2, 3], [0.5, -0.5, 1, 2, -1, 0.25]),
    'fc.bias.grad.in': f32([2], [0.3, -0.7]),
  };
  const on = await run(fused, { ...feeds, apply_update: { dtype: 'bool', dims: [], data: Uint8Array.of(1) } });
  const u = await run(split.update, {
    ...feeds,
    'fc.weight.grad': feeds['fc.weight.grad.in']!,
    'fc.bias.grad': feeds['fc.bias.grad.in']!,
  });
  const g = await run(split.grad, { ...feeds, 'fc.weight': u['fc.weight.next']!, 'fc.bias': u['fc.bias.next']! });
  for (const k of names(split.update, 'outputs')) assert.deepEqual(on[k], u[k], k);
  for (const k of names(split.grad, 'outputs')) assert.deepEqual(on[k], g[k], k);
  const off = await run(fused, { ...feeds, apply_update: { dtype: 'bool', dims: [], data: Uint8Array.of(0) } });
  const plain = await run(split.grad, feeds);
  for (const k of names(split.grad, 'outputs')) assert.deepEqual(off[k], plain[k], k);
  assert.notDeepEqual(on.loss, off.loss);
});

test('the update-then-gradient graph keeps every Conv the gradient graph has eligible for the blocked kernels', () => {
  const tg = buildTrainingGraph(tinyResNet(), opts, { gradOutputs: true });
  const split = splitTrainingGraph(tg);
  const fused = fuseUpdateIntoGrad(
    split,
    tg.params.map((p) => p.name),
  );
  // Block 4 makes every Conv of the tiny net eligible; a gated weight without a known shape would not be.
  const blocked = (m: Model) =>
    lowerConvsToBlocked(m, 4).graph.nodes.filter((n) => n.opType === 'Conv' && n.domain === nchwcDomain).length;
  assert.ok(blocked(split.grad) > 0);
  assert.equal(blocked(fused), blocked(split.grad));
});
