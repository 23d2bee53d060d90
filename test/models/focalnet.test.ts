import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../src/models/registry.js';
import { countModel, parameterNames } from '../../src/models/count.js';
import { Session } from '../../src/engine/session.js';
import { buildFocalNet, fixtureModel } from './focalnet-small.js';
import { readReferenceFixture } from './reference-fixture.js';

const imagenet = (backbone: string, head: 'linear' | 'text-guided') =>
  countModel(
    buildModel({ backbone, head, inputShape: [3, 224, 224], numClasses: 1000, embedDim: 512 }, { shapesOnly: true }),
  );

// The authors' FocalNet (classification/focalnet.py) counted by scripts/fixtures/focalnet.py with torch.
const authorsCounts = {
  'focalnet-t': 28_427_116,
  'focalnet-t-lrf': 28_647_928,
  'focalnet-s': 49_891_216,
  'focalnet-s-lrf': 50_342_440,
};

test("focalnet-t/s (SRF) and -lrf at ImageNet size have the authors' parameter counts; the text-guided head adds 136,729 parameters and 137,216 MACs (Table 1: +0.13M, +0.14M)", () => {
  for (const [name, params] of Object.entries(authorsCounts)) {
    const linear = imagenet(name, 'linear');
    assert.equal(linear.params, params, name);
    const tg = imagenet(name, 'text-guided');
    assert.equal(tg.params - params, 136_729, name);
    assert.equal(tg.macs - linear.macs, 137_216, name);
  }
});

test("the fixture script recorded the same full-size counts from the authors' definition", () => {
  const counts = JSON.parse(readReferenceFixture('focalnet').metadata['full_size_parameters']!);
  assert.deepEqual(counts, {
    focalnet_tiny_srf: authorsCounts['focalnet-t'],
    focalnet_tiny_lrf: authorsCounts['focalnet-t-lrf'],
    focalnet_small_srf: authorsCounts['focalnet-s'],
    focalnet_small_lrf: authorsCounts['focalnet-s-lrf'],
  });
});

test("MACs at 224×224 round to the authors' published 4.4 / 4.5 / 8.6 / 8.7 GFLOPs", () => {
  const g = (name: string) => Number((imagenet(name, 'linear').macs / 1e9).toFixed(1));
  assert.deepEqual(['focalnet-t', 'focalnet-t-lrf', 'focalnet-s', 'focalnet-s-lrf'].map(g), [4.4, 4.5, 8.6, 8.7]);
});

test("forward equals the authors' FocalNet for the same weights to 1e-4 relative (fixture from scripts/fixtures/focalnet.py: levels 2 and 3, odd-side downsampling)", async () => {
  const { tensors } = readReferenceFixture('focalnet');
  const fresh = buildFocalNet({ head: 'linear', inputShape: [3, 40, 40], numClasses: 10 });
  // Every parameter of ours is one of the authors', by its state_dict name and shape, and none is left over.
  const params = parameterNames(fresh.graph).sort();
  assert.deepEqual(params, [...tensors.keys()].filter((n) => n !== 'input' && n !== 'logits').sort());
  for (const n of params) assert.deepEqual(fresh.graph.initializers.get(n)!.dims, tensors.get(n)!.dims, n);
  const s = await Session.create(fixtureModel(40));
  const got = (await s.run({ input: tensors.get('input')! })).logits!.data as Float32Array;
  await s.release();
  const want = tensors.get('logits')!.data;
  assert.equal(got.length, want.length);
  const scale = Math.max(...want.map(Math.abs));
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= 1e-4 * scale, `logit ${i}: ${got[i]} vs ${w}`));
});

test('an input too small for four stages (Fashion-MNIST 28×28) is one line naming the layer; 32×32 builds', () => {
  const build = (side: number) =>
    buildModel(
      { backbone: 'focalnet-t', head: 'linear', inputShape: [1, side, side], numClasses: 10 },
      { shapesOnly: true },
    );
  assert.throws(() => build(28), {
    name: 'TgrError',
    message:
      "focalnet-t: a 1×28×28 input is too small: 'layers.2.downsample.proj' would output 0×0; resize the images " +
      'larger or pick a backbone made for small inputs (resnet20, vit-tiny)',
  });
  assert.equal(build(32).graph.outputs[0]!.name, 'logits');
});
