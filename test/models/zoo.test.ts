import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { backbones, buildModel } from '../../src/models/registry.js';
import type { ModelSpec } from '../../src/models/spec.js';
import { Session } from '../../src/engine/session.js';
import { loadModel, saveModel } from '../../src/onnx/proto-io.js';
import { f32 } from '../../src/onnx/tensor.js';
import { Rng } from '../../src/core/rng.js';
import type { Model, TensorData } from '../../src/onnx/types.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-zoo-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function run(model: Model, input: TensorData): Promise<Record<string, TensorData>> {
  const s = await Session.create(model);
  try {
    return await s.run({ input });
  } finally {
    await s.release();
  }
}

const finite = (t: TensorData) => (t.data as Float32Array).every(Number.isFinite);

// One member per family also goes through a file and runs again, and runs its train graph; the others repeat their
// blocks, and their copies and sessions would cost seconds each (VGG-19 and ResNet-152 hold 39M and 58M weights).
const fullCheck = new Set(['alexnet', 'vgg11-bn', 'resnet18', 'resnet50', 'resnet20', 'mobilenet-v2', 'vit-tiny']);

// Small inputs keep this fast: 32×32 for all but AlexNet, whose pools need at least 63×63 (64 here), and MaxViT-T,
// whose partition side 7 must divide every block's map (224×224).
const sides: Record<string, number> = { alexnet: 64, 'maxvit-t': 224 };
Object.keys(backbones).forEach((name, i) => {
  const head = i % 2 === 0 ? 'text-guided' : 'linear';
  test(`[${name}, ${head} head] runs in ONNX Runtime${fullCheck.has(name) ? '; save → load → run is identical; the train graph runs on the same weights' : ''}`, async () => {
    const side = sides[name] ?? 32;
    const spec: ModelSpec = {
      backbone: name,
      head,
      inputShape: [3, side, side],
      numClasses: 10,
      embedDim: 16,
      seed: i,
    };
    const rng = new Rng(i);
    const x = f32(
      [2, 3, side, side],
      Array.from({ length: 6 * side * side }, () => rng.normal()),
    );
    const model = buildModel(spec);
    const out = await run(model, x);
    assert.deepEqual(out.logits!.dims, [2, 10]);
    assert.ok(finite(out.logits!), 'logits finite');

    if (!fullCheck.has(name)) return;
    const path = join(dir, `${name}.onnx`);
    saveModel(model, path);
    const loaded = loadModel(path);
    assert.deepEqual(loaded.metadata, model.metadata);
    assert.deepEqual((await run(loaded, x)).logits, out.logits);

    // The train graph is built shapes-only and takes the eval graph's weights by name.
    const train = buildModel({ ...spec, mode: 'train' }, { shapesOnly: true });
    const inits = new Map(
      [...train.graph.initializers].map(([k, t]) => [
        k,
        GraphBuilder.isConstantName(k) ? t : model.graph.initializers.get(k)!,
      ]),
    );
    const tout = await run({ ...train, graph: { ...train.graph, initializers: inits } }, x);
    assert.deepEqual(
      Object.keys(tout),
      train.graph.outputs.map((o) => o.name),
    );
    assert.ok(Object.values(tout).every(finite), 'train outputs finite');
    const bn = train.graph.nodes.find((n) => n.opType === 'BatchNormalization');
    if (bn) {
      // Batch statistics instead of running ones: the logits differ, and the running mean moved off its initial 0.
      assert.notDeepEqual(tout.logits, out.logits);
      assert.ok((tout[`${bn.name}.running_mean.next`]!.data as Float32Array).some((v) => v !== 0));
    }
  });
});

test('ImageNet-size runs: resnet18 and mobilenet-v2 at 3×224×224, 1000 classes, text-guided head with E = 512', async () => {
  const rng = new Rng(7);
  const x = f32(
    [1, 3, 224, 224],
    Array.from({ length: 3 * 224 * 224 }, () => rng.normal()),
  );
  for (const backbone of ['resnet18', 'mobilenet-v2']) {
    const model = buildModel({ backbone, head: 'text-guided', inputShape: [3, 224, 224], numClasses: 1000 });
    const out = await run(model, x);
    assert.deepEqual(out.logits!.dims, [1, 1000]);
    assert.ok(finite(out.logits!));
    // |logit| ≤ exp(s) = 1/0.07: they are scaled cosines.
    assert.ok((out.logits!.data as Float32Array).every((v) => Math.abs(v) <= 1 / 0.07 + 1e-3));
  }
});
