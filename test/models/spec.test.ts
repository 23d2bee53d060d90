import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32 } from '../../src/onnx/tensor.js';
import { resolveSpec, type ModelSpec } from '../../src/models/spec.js';

const spec: ModelSpec = { backbone: 'resnet20', head: 'text-guided', inputShape: [3, 32, 32], numClasses: 2 };

test('resolveSpec: defaults filled (E 512, eval, seed 0), the input shape copied', () => {
  const r = resolveSpec(spec);
  assert.deepEqual(r, {
    ...spec,
    inputShape: [3, 32, 32],
    embedDim: 512,
    mode: 'eval',
    seed: 0,
    classEmbeddings: undefined,
  });
  assert.notEqual(r.inputShape, spec.inputShape);
});

test('resolveSpec: class embeddings as C·E values or a [C, E] tensor become one Float32Array', () => {
  const flat = Float32Array.from([1, 2, 3, 4]);
  assert.equal(resolveSpec({ ...spec, embedDim: 2, classEmbeddings: flat }).classEmbeddings, flat);
  const t = f32([2, 2], [1, 2, 3, 4]);
  assert.deepEqual([...resolveSpec({ ...spec, embedDim: 2, classEmbeddings: t }).classEmbeddings!], [1, 2, 3, 4]);
});

test('resolveSpec: each bad field is one line naming it, the value and what is expected', () => {
  const cases: [Partial<ModelSpec> | Record<string, unknown>, string][] = [
    [{ embedDim: 0 }, 'model spec: embedDim is 0; expected a positive integer'],
    [{ seed: 1.5 }, 'model spec: seed is 1.5; expected an integer'],
    [{ patchSize: -4 }, 'model spec: patchSize is -4; expected a positive integer'],
    [{ inputShape: [3, 32, 0] }, 'model spec: inputShape is [3,32,0]; expected [C, H, W] of positive integers'],
  ];
  for (const [change, message] of cases)
    assert.throws(() => resolveSpec({ ...spec, ...change } as ModelSpec), { name: 'TgrError', message });
});

test('resolveSpec: class embeddings of the wrong shape say the expected [C, E] and what was given', () => {
  assert.throws(() => resolveSpec({ ...spec, embedDim: 3, classEmbeddings: new Float32Array(4) }), {
    message:
      "class embeddings: expected shape [2, 3] (numClasses × embedDim = 6 values), got 4 values; encode one embedding per class with the head's embedDim",
  });
  assert.throws(() => resolveSpec({ ...spec, embedDim: 2, classEmbeddings: f32([4], [1, 2, 3, 4]) }), {
    message:
      "class embeddings: expected shape [2, 2] (numClasses × embedDim = 4 values), got shape [4]; encode one embedding per class with the head's embedDim",
  });
});
