import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cut } from '../../src/onnx/cut.js';
import { f32 } from '../../src/onnx/tensor.js';
import { Rng } from '../../src/core/rng.js';
import { Session } from '../../src/engine/session.js';
import { buildModel } from '../../src/models/registry.js';
import type { ModelSpec } from '../../src/models/spec.js';
import type { TensorData } from '../../src/onnx/types.js';

const injectable = new Set(['Conv', 'Gemm', 'MatMul']);

/** Runs prefix then suffix at every injectable layer and compares with the whole model to 1e-5. */
async function checkEveryLayer(spec: ModelSpec) {
  const model = buildModel(spec);
  const rng = new Rng(7);
  const [c, h, w] = spec.inputShape;
  const feed = f32(
    [2, c, h, w],
    Array.from({ length: 2 * c * h * w }, () => rng.normal()),
  );
  const full = (await (await Session.create(model, { threads: 1 })).run({ input: feed })).logits!.data as Float32Array;
  const layers = model.graph.nodes.filter((n) => injectable.has(n.opType));
  assert.ok(layers.length > 0);
  for (const node of layers) {
    const tensor = node.outputs[0]!;
    const parts = cut(model.graph, tensor);
    const pre = await Session.create({ ...model, graph: parts.prefix }, { threads: 1 });
    const mid = await pre.run({ input: feed });
    const feeds: Record<string, TensorData> = {};
    for (const v of parts.suffix.inputs) feeds[v.name] = v.name === 'input' ? feed : mid[v.name]!;
    const out =
      parts.suffix.nodes.length === 0
        ? (mid[tensor]!.data as Float32Array)
        : ((await (await Session.create({ ...model, graph: parts.suffix }, { threads: 1 })).run(feeds)).logits!
            .data as Float32Array);
    const scale = Math.max(...Array.from(full, Math.abs), 1);
    full.forEach((v, i) =>
      assert.ok(Math.abs(out[i]! - v) <= 1e-5 * scale, `${spec.backbone} @ ${node.name}[${i}]: ${out[i]} vs ${v}`),
    );
  }
  return layers.length;
}

test('resnet20: prefix + suffix equals the full model at every injectable layer', async () => {
  assert.equal(
    await checkEveryLayer({ backbone: 'resnet20', head: 'linear', inputShape: [1, 28, 28], numClasses: 10 }),
    20,
  );
});

test('resnet18 (small input, text-guided head): prefix + suffix equals the full model at every injectable layer', async () => {
  assert.equal(
    await checkEveryLayer({
      backbone: 'resnet18',
      head: 'text-guided',
      inputShape: [3, 32, 32],
      numClasses: 10,
      embedDim: 16,
    }),
    22,
  );
});

test('vit-tiny: prefix + suffix equals the full model at every injectable layer', async () => {
  const n = await checkEveryLayer({
    backbone: 'vit-tiny',
    head: 'linear',
    inputShape: [1, 28, 28],
    numClasses: 10,
    patchSize: 7,
  });
  assert.ok(n >= 12 * 4 + 2, `${n} layers`);
});
