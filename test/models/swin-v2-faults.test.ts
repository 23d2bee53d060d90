import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../faults/fixtures.js';
import { checkAgainstPlain, sum } from '../faults/plain-check.js';
import { buildSwinV2 } from './swin-v2-small.js';

const blockSites = ['attn.qkv', 'attn.scores', 'attn.context', 'attn.proj', 'mlp.0', 'mlp.3'];

test('Swin-V2 fault sites: the patch Conv, every Linear and both attention MatMuls of every block, the mergings, the head; not the position-bias MLP (no batch axis)', async () => {
  const fx = await fixture(
    buildSwinV2({ head: 'text-guided', inputShape: [3, 32, 32], numClasses: 10, embedDim: 8, seed: 4 }),
    4,
  );
  const blocks = [0, 1].flatMap((i) => [`features.1.${i}`, `features.3.${i}`, `features.5.${i}`]).sort();
  assert.deepEqual(
    fx.classifier.layers.map((l) => l.name).sort(),
    [
      'features.0.0',
      'features.2.reduction',
      'features.4.reduction',
      ...blocks.flatMap((p) => blockSites.map((s) => `${p}.${s}`)),
      'head.latent',
      'head.projection',
    ].sort(),
  );
  // Windowed attention products are per window: [nW, heads, T, T] per image at the shifted 8×8 first stage.
  assert.deepEqual(fx.classifier.layers.find((l) => l.name === 'features.1.1.attn.scores')!.shape, [4, 1, 16, 16]);
});

test('Swin-V2 neuron faults in every layer, range detector off and on: the runner equals the plain full-model path', async () => {
  const fx = await fixture(
    buildSwinV2({ head: 'text-guided', inputShape: [3, 32, 32], numClasses: 10, embedDim: 8, seed: 4 }),
    8,
  );
  for (const rd of [false, true]) {
    const paths = await checkAgainstPlain(fx, 'neurons', rd, { perLayer: 3 });
    assert.equal(paths.size, fx.classifier.layers.length);
    assert.ok(sum(paths, 'suffix') > 0);
  }
});
