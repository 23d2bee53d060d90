import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../src/models/registry.js';
import { initialLogitScale } from '../../src/models/heads.js';
import { metaKeys, type ModelSpec } from '../../src/models/spec.js';
import { Session } from '../../src/engine/session.js';
import { f32, toNumbers } from '../../src/onnx/tensor.js';
import { Rng } from '../../src/core/rng.js';
import { TgrError } from '../../src/core/errors.js';
import type { Model } from '../../src/onnx/types.js';

const C = 4;
const E = 6;
const rng = new Rng(11);
const embeddings = Float32Array.from({ length: C * E }, () => rng.normal() * 3);
const tiny: ModelSpec = {
  backbone: 'resnet20',
  head: 'text-guided',
  inputShape: [3, 8, 8],
  numClasses: C,
  embedDim: E,
  classEmbeddings: embeddings,
  seed: 3,
};

/** The same model with extra graph outputs (intermediate tensors), so a test can read them. */
function exposing(m: Model, tensors: string[]): Model {
  return {
    ...m,
    graph: { ...m.graph, outputs: [...m.graph.outputs, ...tensors.map((t) => m.graph.valueInfo.get(t)!)] },
  };
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

test('text-guided logits equal exp(s)·cos(f, P_c), computed by hand from the latent f', async () => {
  const m = buildModel(tiny);
  const s = await Session.create(exposing(m, ['head.latent']));
  const x = f32(
    [2, 3, 8, 8],
    Array.from({ length: 384 }, () => rng.normal()),
  );
  const out = await s.run({ input: x });
  const f = out['head.latent']!.data as Float32Array;
  const scale = Math.exp((m.graph.initializers.get('head.logit_scale')!.data as Float32Array)[0]!);
  const logits = out.logits!.data as Float32Array;
  assert.deepEqual(out.logits!.dims, [2, C]);
  for (let n = 0; n < 2; n++) {
    const fn = f.subarray(n * E, (n + 1) * E);
    for (let c = 0; c < C; c++) {
      const pc = embeddings.subarray(c * E, (c + 1) * E);
      let dot = 0;
      for (let i = 0; i < E; i++) dot += fn[i]! * pc[i]!;
      const want = scale * (dot / (norm(fn) * norm(pc)));
      assert.ok(Math.abs(logits[n * C + c]! - want) < 1e-4, `logit[${n},${c}] ${logits[n * C + c]} vs ${want}`);
    }
  }
});

test('P rows are the class embeddings L2-normalised; s starts at ln(1/0.07); the last layer is [latent, projection]', () => {
  const m = buildModel(tiny);
  const P = m.graph.initializers.get('head.projection.weight')!;
  assert.deepEqual(P.dims, [C, E]);
  for (let c = 0; c < C; c++) {
    const row = embeddings.subarray(c * E, (c + 1) * E);
    const n = norm(row);
    Array.from(row).forEach((v, i) => assert.ok(Math.abs((P.data as Float32Array)[c * E + i]! - v / n) < 1e-6));
  }
  assert.deepEqual(toNumbers(m.graph.initializers.get('head.logit_scale')!), [Math.fround(initialLogitScale)]);
  assert.equal(initialLogitScale, Math.log(1 / 0.07));
  assert.deepEqual(m.graph.initializers.get('head.latent.weight')!.dims, [E, 64]);
  assert.deepEqual(m.graph.initializers.get('head.latent.bias')!.dims, [E]);
  assert.equal(m.graph.initializers.has('head.projection.bias'), false);
  assert.deepEqual(
    m.graph.nodes.filter((n) => n.name.startsWith('head.') && ['Gemm', 'MatMul'].includes(n.opType)).map((n) => n.name),
    ['head.latent', 'head.projection'],
  );
  assert.deepEqual(JSON.parse(m.metadata[metaKeys.lastLayers]!), ['head.latent', 'head.projection']);
  assert.deepEqual(
    { ...m.metadata, [metaKeys.lastLayers]: undefined },
    {
      [metaKeys.backbone]: 'resnet20',
      [metaKeys.head]: 'text-guided',
      [metaKeys.numClasses]: '4',
      [metaKeys.inputShape]: '[3,8,8]',
      [metaKeys.lastLayers]: undefined,
      [metaKeys.embedDim]: '6',
      [metaKeys.mode]: 'eval',
      [metaKeys.seed]: '3',
    },
  );
});

test('without class embeddings P is random with unit rows, and seeded', () => {
  const { classEmbeddings: _, ...spec } = tiny;
  const P = buildModel(spec).graph.initializers.get('head.projection.weight')!.data as Float32Array;
  for (let c = 0; c < C; c++) assert.ok(Math.abs(norm(P.subarray(c * E, (c + 1) * E)) - 1) < 1e-6);
  assert.deepEqual(buildModel(spec).graph.initializers.get('head.projection.weight')!.data, P);
  assert.notDeepEqual(buildModel({ ...spec, seed: 4 }).graph.initializers.get('head.projection.weight')!.data, P);
});

test("the baseline head is the backbone's own final Linear, named as torchvision names it", () => {
  const last = (backbone: string, side = 32) =>
    JSON.parse(
      buildModel({ backbone, head: 'linear', inputShape: [3, side, side], numClasses: 10 }, { shapesOnly: true })
        .metadata[metaKeys.lastLayers]!,
    );
  assert.deepEqual(last('alexnet', 64), ['classifier.6']);
  assert.deepEqual(last('vgg11-bn'), ['classifier.6']);
  assert.deepEqual(last('resnet18'), ['fc']);
  assert.deepEqual(last('resnet20'), ['fc']);
  assert.deepEqual(last('mobilenet-v2'), ['classifier.1']);
  assert.deepEqual(last('vit-tiny'), ['heads.head']);
});

test('for VGG the text-guided head replaces only classifier.6', () => {
  const m = buildModel(
    { backbone: 'vgg11-bn', head: 'text-guided', inputShape: [3, 32, 32], numClasses: 10 },
    { shapesOnly: true },
  );
  const gemms = m.graph.nodes.filter((n) => n.opType === 'Gemm').map((n) => n.name);
  assert.deepEqual(gemms, ['classifier.0', 'classifier.3', 'head.latent', 'head.projection']);
  assert.deepEqual(m.graph.initializers.get('head.latent.weight')!.dims, [512, 4096]);
});

test('class embeddings of the wrong shape: one-line error naming expected and actual shape', () => {
  assert.throws(
    () => buildModel({ ...tiny, classEmbeddings: new Float32Array(C * E + 1) }),
    (e: unknown) => {
      assert.ok(e instanceof TgrError && e.code === 'shape_mismatch');
      assert.equal(
        e.message,
        "class embeddings: expected shape [4, 6] (numClasses × embedDim = 24 values), got 25 values; encode one embedding per class with the head's embedDim",
      );
      return true;
    },
  );
  assert.throws(
    () => buildModel({ ...tiny, classEmbeddings: f32([6, 4], embeddings) }),
    /^TgrError: class embeddings: expected shape \[4, 6\] \(numClasses × embedDim = 24 values\), got shape \[6, 4\];/,
  );
  assert.throws(
    () => buildModel({ ...tiny, classEmbeddings: new Float32Array(C * E) }),
    /class embeddings: row 0 has norm 0;/,
  );
});
