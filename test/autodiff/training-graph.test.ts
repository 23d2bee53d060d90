import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32, i64 } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';
import { TgrError } from '../../src/core/errors.js';
import { buildTrainingGraph } from '../../src/autodiff/training-graph.js';
import type { TrainingGraphOptions } from '../../src/autodiff/training-graph-types.js';
import { tinyResNet, tinyViT } from './tiny-nets.js';

const sgd: TrainingGraphOptions = {
  labelSmoothing: 0,
  optimizer: { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 1e-4 },
};

test('training graph: parameters, optimizer state and BN buffers are inputs NAME with outputs NAME.next', () => {
  const m = tinyResNet();
  const tg = buildTrainingGraph(m, sgd);
  const names = (xs: { name: string }[]) => xs.map((x) => x.name);
  assert.ok(!names(tg.params).some((n) => n.includes('running_')), 'running statistics are not parameters');
  assert.equal(tg.params.length, 20);
  assert.deepEqual(
    names(tg.buffers).filter((n) => n.startsWith('bn1.')),
    ['bn1.running_mean', 'bn1.running_var'],
  );
  assert.equal(tg.buffers.length, 12);
  assert.deepEqual(tg.state[0], { name: 'conv1.weight.momentum_buffer', shape: [4, 3, 3, 3] });
  assert.deepEqual(
    tg.params
      .filter((p) => p.decay)
      .map((p) => p.name)
      .slice(0, 2),
    ['conv1.weight', 'layer1.conv1.weight'],
  );
  const inputs = names(tg.model.graph.inputs);
  const outputs = names(tg.model.graph.outputs);
  assert.deepEqual(inputs.slice(0, 4), ['input', 'labels', 'lr', 'step']);
  for (const c of [...tg.params, ...tg.state, ...tg.buffers]) {
    assert.ok(inputs.includes(c.name), `input ${c.name}`);
    assert.ok(outputs.includes(`${c.name}.next`), `output ${c.name}.next`);
    assert.ok(!tg.model.graph.initializers.has(c.name), `${c.name} is fed, not stored`);
  }
  assert.deepEqual(tg.outputs, { loss: 'loss', logits: 'logits' });
});

test('builder constants (GELU’s ½, attention scale) are not parameters; noDecay overrides the rank rule', () => {
  const tg = buildTrainingGraph(tinyViT(), {
    ...sgd,
    noDecay: (name) => name.startsWith('ln') || name.endsWith('.bias'),
  });
  assert.ok(tg.params.every((p) => !GraphBuilder.isConstantName(p.name)));
  assert.ok(tg.params.some((p) => p.name === 'cls_token' && p.decay));
  assert.ok(tg.params.some((p) => p.name === 'ln1.weight' && !p.decay));
});

test('BN running statistics update as ONNX specifies: momentum·running + (1 − momentum)·batch statistic', async () => {
  const b = new GraphBuilder('bn-first');
  const x = b.input('input', 'float32', ['N', 2, 1, 2]);
  const outs = b.batchNormalization(
    x,
    b.initializer('bn.weight', f32([2], [1, 1])),
    b.initializer('bn.bias', f32([2], [0, 0])),
    b.initializer('bn.running_mean', f32([2], [1, 2])),
    b.initializer('bn.running_var', f32([2], [1, 1])),
    { training_mode: 1, name: 'bn' },
  );
  b.output(
    b.gemm(b.flatten(outs[0]!), b.initializer('fc.weight', f32([2, 4], [1, 0, 0, 1, 0, 1, 1, 0])), undefined, {
      transB: 1,
    }),
    'logits',
  );
  // The model zoo already exposes the new statistics as outputs named NAME.next; they must be reused, not duplicated.
  b.output(outs[1]!, 'bn.running_mean.next');
  const tg = buildTrainingGraph(b.finishModel(), sgd);
  assert.equal(tg.model.graph.outputs.filter((o) => o.name === 'bn.running_mean.next').length, 1);
  const s = await Session.create(tg.model, { threads: 1 });
  const feeds: Record<string, ReturnType<typeof f32> | ReturnType<typeof i64>> = {
    input: f32([2, 2, 1, 2], [1, 3, 10, 20, 5, 7, 30, 40]),
    labels: i64([2], [0, 1]),
    lr: f32([], [0.1]),
    step: f32([], [1]),
    'bn.weight': f32([2], [1, 1]),
    'bn.bias': f32([2], [0, 0]),
    'bn.running_mean': f32([2], [1, 2]),
    'bn.running_var': f32([2], [1, 1]),
    'fc.weight': f32([2, 4], [1, 0, 0, 1, 0, 1, 1, 0]),
  };
  for (const st of tg.state) feeds[st.name] = f32(st.shape, new Array(st.shape.reduce((p, d) => p * d, 1)).fill(0));
  const out = await s.run(feeds);
  const got = Array.from(out['bn.running_mean.next']!.data as Float32Array);
  [0.9 * 1 + 0.1 * 4, 0.9 * 2 + 0.1 * 25].forEach((v, i) =>
    assert.ok(Math.abs(got[i]! - v) < 1e-6, `${got[i]} vs ${v}`),
  );
});

test('a forward model with two float inputs is a bad_model error', () => {
  const b = new GraphBuilder('two');
  const x = b.input('a', 'float32', ['N', 2]);
  const y = b.input('c', 'float32', ['N', 2]);
  b.output(b.gemm(b.add(x, y), b.initializer('w', f32([2, 2], [1, 0, 0, 1]))), 'logits');
  assert.throws(
    () => buildTrainingGraph(b.finishModel(), sgd),
    (e: unknown) => e instanceof TgrError && e.code === 'bad_model' && /one float input/.test(e.message),
  );
});

test('training-mode BN is written out in the forward, and its backward reuses the forward’s centred x', () => {
  const tg = buildTrainingGraph(tinyResNet(), sgd);
  const nodes = tg.model.graph.nodes;
  assert.ok(
    !nodes.some((n) => n.opType === 'BatchNormalization' && n.attrs.training_mode?.value === 1),
    'no training-mode BN node is left',
  );
  const xc = nodes.find((n) => n.name === 'bn1.batch_xc')!;
  assert.ok(xc, 'bn1 writes out x − mean');
  const readers = nodes.filter((n) => n.inputs.includes(xc.outputs[0]!)).map((n) => n.name);
  assert.ok(
    readers.some((r) => r.startsWith('grad.bn1')),
    `the backward of bn1 reads its xc: ${readers.join(', ')}`,
  );
  // Without the reuse the backward would centre x again: one Sub of the BN input per BN, in the forward only.
  const bnInput = nodes.find((n) => n.name === 'bn1')!.inputs[0]!;
  assert.equal(nodes.filter((n) => n.opType === 'Sub' && n.inputs[0] === bnInput).length, 1);
});
