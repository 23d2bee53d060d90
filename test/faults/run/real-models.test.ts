import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../../src/models/registry.js';
import { fixture } from '../fixtures.js';
import { checkAgainstPlain, sum } from '../plain-check.js';
import { foreignExport, residualNet } from '../nets.js';

test('src/models ResNet-20: random faults in every layer equal the plain full-model computation; shortcuts taken', async () => {
  const fx = await fixture(
    buildModel({ backbone: 'resnet20', head: 'linear', inputShape: [3, 32, 32], numClasses: 10, seed: 0 }),
    6,
  );
  assert.equal(fx.classifier.layers.length, 20);
  const paths = await checkAgainstPlain(fx, 'neurons', false, { perLayer: 8 });
  assert.ok(sum(paths, 'masked') > 10 && sum(paths, 'suffix') > 10);
  assert.equal(sum(paths, 'analytic', ['fc']), 8);
});

test('src/models ViT-tiny with the text-guided head: patch conv, attention MatMuls, MLP, latent and projection', async () => {
  const fx = await fixture(
    buildModel({
      backbone: 'vit-tiny',
      head: 'text-guided',
      inputShape: [3, 32, 32],
      numClasses: 10,
      embedDim: 64,
      seed: 0,
    }),
    4,
  );
  const L = (s: string) => fx.classifier.layers.find((l) => l.name.endsWith(s))!.name;
  const layers = [
    'conv_proj',
    'encoder_layer_0.self_attention.in_proj',
    'encoder_layer_0.self_attention.scores',
    'encoder_layer_0.self_attention.context',
    'encoder_layer_0.mlp.0',
    'encoder_layer_11.mlp.3',
    'head.latent',
    'head.projection',
  ].map(L);
  const paths = await checkAgainstPlain(fx, 'neurons', false, { perLayer: 8, layers });
  assert.ok(sum(paths, 'analytic', ['head.latent']) >= 6, 'rank-one latent update');
  assert.equal(sum(paths, 'analytic', ['head.projection']), 8);
});

test('a foreign export (no value infos, Softmax output) runs a campaign that equals the plain path', async () => {
  const paths = await checkAgainstPlain(await fixture(foreignExport(residualNet()), 8), 'neurons', false, {
    perLayer: 10,
  });
  assert.ok(sum(paths, 'masked') > 0 && sum(paths, 'analytic', ['fc']) === 10);
});
