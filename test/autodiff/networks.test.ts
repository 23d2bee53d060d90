import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Model, TensorData } from '../../src/onnx/types.js';
import { numel } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';
import { Rng } from '../../src/core/rng.js';
import { buildTrainingGraph } from '../../src/autodiff/training-graph.js';
import type { GradPaths } from '../../src/autodiff/grad-graph.js';
import { tinyResNet, tinyViT } from './tiny-nets.js';
import { fixtureModel } from '../models/swin-v2-small.js';
import { fixtureModel as focalNetModel } from '../models/focalnet-small.js';
import { fixtureModel as maxVitModel } from '../models/maxvit-small.js';

const floats = (dims: number[], f: () => number): TensorData => ({
  dtype: 'float32',
  dims,
  data: Float32Array.from({ length: numel(dims) }, f),
});

/**
 * Whole-network check: the gradient the training graph computes for every parameter, against central differences of
 * its own loss output along two random unit directions per parameter (h = 1e-3, small enough that ReLU kinks are
 * rarely crossed; float32 throughout, since ORT runs Conv and Erf in float only).
 */
async function checkNetwork(m: Model, batch: number, paths: GradPaths): Promise<void> {
  const rng = new Rng(`${m.graph.name}/${paths}`);
  const tg = buildTrainingGraph(
    m,
    { labelSmoothing: 0.1, optimizer: { kind: 'sgd', momentum: 0, nesterov: false, weightDecay: 0 } },
    { gradOutputs: true, paths },
  );
  const s = await Session.create(tg.model, { threads: 1 });
  const inDims = m.graph.inputs[0]!.shape.map((d) => (typeof d === 'number' ? d : batch));
  const feeds: Record<string, TensorData> = {
    [tg.feeds.input]: floats(inDims, () => rng.normal()),
    [tg.feeds.labels]: {
      dtype: 'int64',
      dims: [batch],
      data: BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % 3)),
    },
    [tg.feeds.lr]: floats([], () => 0),
    [tg.feeds.step]: floats([], () => 1),
  };
  for (const c of [...tg.params, ...tg.buffers]) feeds[c.name] = m.graph.initializers.get(c.name)!;
  const out = await s.run(feeds);
  const loss = async (f: Record<string, TensorData>) =>
    (await s.run(f, [tg.outputs.loss]))[tg.outputs.loss]!.data[0] as number;
  const h = 1e-3;
  for (const p of tg.params) {
    const g = out[`${p.name}.grad`]!.data as Float32Array;
    const base = feeds[p.name]!.data as Float32Array;
    for (let k = 0; k < 2; k++) {
      const dir = Array.from({ length: base.length }, () => rng.normal());
      const norm = Math.hypot(...dir);
      const at = (sign: number) => ({
        ...feeds,
        [p.name]: { ...feeds[p.name]!, data: base.map((v, i) => v + (sign * h * dir[i]!) / norm) },
      });
      const fd = ((await loss(at(1))) - (await loss(at(-1)))) / (2 * h);
      const an = g.reduce((acc, v, i) => acc + (v * dir[i]!) / norm, 0);
      assert.ok(
        Math.abs(fd - an) <= 2e-3 + 1e-2 * Math.abs(fd),
        `${m.graph.name} (${paths}): ∂L/∂${p.name}·v = ${an}, finite differences ${fd}`,
      );
    }
  }
  await s.release();
}

test('tiny ResNet (BN training mode, skip connections, strided block): gradients match finite differences of the loss', async () => {
  await checkNetwork(tinyResNet(), 4, 'fast');
  await checkNetwork(tinyResNet(), 4, 'plain');
});

test('tiny ViT block (LayerNorm, 2-head attention, GELU, class token): gradients match finite differences of the loss', async () => {
  await checkNetwork(tinyViT(), 3, 'fast');
});

test('reduced Swin-V2 (rolled and masked windows, cosine attention, clamped logit scale, position-bias MLP gathered by index, padding, patch merging): gradients match finite differences of the loss', async () => {
  await checkNetwork(fixtureModel(40, 'train'), 2, 'fast');
});

test('reduced FocalNet (focal modulation: depthwise Convs with GELU, gates sliced from one Linear, global-context mean, 1×1 modulator Conv; strided patch Convs from odd sides): gradients match finite differences of the loss', async () => {
  await checkNetwork(focalNetModel(40, 'train'), 2, 'fast');
});

test('reduced MaxViT (MBConv: BN pre-norm, depthwise stride 2, squeeze-excitation with SiLU, AvgPool shortcut counting pads; window and grid attention with the position table gathered by a repeating index; classifier LN/Tanh): gradients match finite differences of the loss', async () => {
  await checkNetwork(maxVitModel('train'), 2, 'fast');
});
