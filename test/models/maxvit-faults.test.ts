import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../faults/fixtures.js';
import { checkAgainstPlain, sum } from '../faults/plain-check.js';
import { buildMaxVit } from './maxvit-small.js';

const mbConvSites = ['conv_a.0', 'conv_b.0', 'squeeze_excitation.fc1', 'squeeze_excitation.fc2', 'conv_c'];
const attentionSites = ['attn_layer.1.to_qkv', 'attn_layer.1.scores', 'attn_layer.1.context', 'attn_layer.1.merge'];
const layerSites = (p: string, shortcut: boolean) => [
  ...(shortcut ? [`${p}.MBconv.proj.1`] : []),
  ...mbConvSites.map((s) => `${p}.MBconv.layers.${s}`),
  ...['window_attention', 'grid_attention'].flatMap((a) =>
    [...attentionSites, 'mlp_layer.1', 'mlp_layer.3'].map((s) => `${p}.${a}.${s}`),
  ),
];

const model = () => buildMaxVit({ head: 'text-guided', inputShape: [3, 32, 32], numClasses: 10, embedDim: 8, seed: 5 });

test('MaxViT fault sites: stem Convs, every MBConv Conv (SE included), every Linear and both attention MatMuls of window and grid attention, classifier.3 and the head; not the position-bias gather', async () => {
  const fx = await fixture(model(), 4);
  assert.deepEqual(
    fx.classifier.layers.map((l) => l.name).sort(),
    [
      'stem.0.0',
      'stem.1.0',
      ...layerSites('blocks.0.layers.0.layers', true),
      ...layerSites('blocks.1.layers.0.layers', true),
      ...layerSites('blocks.1.layers.1.layers', false),
      'classifier.3',
      'head.latent',
      'head.projection',
    ].sort(),
  );
  const shape = (n: string) => fx.classifier.layers.find((l) => l.name === `blocks.0.layers.0.layers.${n}`)!.shape;
  // 8×8 map, partition 2: 16 windows of 4 tokens; grid: 16 groups of 4 tokens strided by 4; 2 heads.
  assert.deepEqual(shape('window_attention.attn_layer.1.scores'), [16, 2, 4, 4]);
  assert.deepEqual(shape('grid_attention.attn_layer.1.context'), [16, 2, 4, 4]);
  assert.deepEqual(shape('MBconv.layers.squeeze_excitation.fc1'), [2, 1, 1]);
});

test('MaxViT neuron faults in every layer, range detector off and on: the runner equals the plain full-model path', async () => {
  const fx = await fixture(model(), 8);
  for (const rd of [false, true]) {
    const paths = await checkAgainstPlain(fx, 'neurons', rd, { perLayer: 3 });
    assert.equal(paths.size, fx.classifier.layers.length);
    assert.ok(sum(paths, 'suffix') > 0);
  }
});

test('MaxViT weight faults in the depthwise and squeeze-excitation Convs, the shortcut Conv, to_qkv and merge (weights read through a Transpose) and classifier.3 equal the plain path', async () => {
  const fx = await fixture(model(), 4);
  const p = 'blocks.1.layers.0.layers';
  const layers = [
    `${p}.MBconv.proj.1`,
    `${p}.MBconv.layers.conv_b.0`,
    `${p}.MBconv.layers.squeeze_excitation.fc2`,
    `${p}.grid_attention.attn_layer.1.to_qkv`,
    `${p}.window_attention.attn_layer.1.merge`,
    'classifier.3',
  ];
  const paths = await checkAgainstPlain(fx, 'weights', false, { perLayer: 4, layers });
  assert.deepEqual([...paths.keys()].sort(), [...layers].sort());
});
