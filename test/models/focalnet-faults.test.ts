import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../faults/fixtures.js';
import { checkAgainstPlain, sum } from '../faults/plain-check.js';
import { buildFocalNet } from './focalnet-small.js';

const modulationSites = (levels: number) => [
  'modulation.f',
  ...Array.from({ length: levels }, (_, l) => `modulation.focal_layers.${l}.0`),
  'modulation.h',
  'modulation.proj',
  'mlp.fc1',
  'mlp.fc2',
];

const small = (seed: number) =>
  buildFocalNet({ head: 'text-guided', inputShape: [3, 32, 32], numClasses: 10, embedDim: 8, seed });

test("FocalNet fault sites: the patch and downsampling Convs, every Linear, every focal level's depthwise Conv and the modulator Conv h of every block, the head", async () => {
  const fx = await fixture(small(4), 4);
  const blocks = [
    ['layers.0.blocks.0', 2],
    ['layers.1.blocks.0', 3],
    ['layers.1.blocks.1', 3],
    ['layers.2.blocks.0', 2],
  ] as const;
  assert.deepEqual(
    fx.classifier.layers.map((l) => l.name).sort(),
    [
      'patch_embed.proj',
      'layers.0.downsample.proj',
      'layers.1.downsample.proj',
      ...blocks.flatMap(([p, levels]) => modulationSites(levels).map((s) => `${p}.${s}`)),
      'head.latent',
      'head.projection',
    ].sort(),
  );
  // f outputs q, ctx and levels + 1 gates per token (channels last); the focal convolutions are per channel maps.
  const shape = (n: string) => fx.classifier.layers.find((l) => l.name === n)!.shape;
  assert.deepEqual(shape('layers.1.blocks.0.modulation.f'), [4, 4, 2 * 16 + 4]);
  assert.deepEqual(shape('layers.1.blocks.0.modulation.focal_layers.2.0'), [16, 4, 4]);
});

test('FocalNet neuron faults in every layer, range detector off and on: the runner equals the plain full-model path', async () => {
  const fx = await fixture(small(4), 8);
  for (const rd of [false, true]) {
    const paths = await checkAgainstPlain(fx, 'neurons', rd, { perLayer: 3 });
    assert.equal(paths.size, fx.classifier.layers.length);
    assert.ok(sum(paths, 'suffix') > 0);
  }
});

test('FocalNet weight faults in the depthwise focal convolutions, the modulator h and the patch embedding equal the plain path', async () => {
  const fx = await fixture(small(5), 4);
  const layers = [
    'patch_embed.proj',
    'layers.1.blocks.1.modulation.focal_layers.0.0',
    'layers.1.blocks.1.modulation.focal_layers.2.0',
    'layers.1.blocks.1.modulation.h',
  ];
  const paths = await checkAgainstPlain(fx, 'weights', false, { perLayer: 4, layers });
  assert.deepEqual([...paths.keys()].sort(), [...layers].sort());
});
