// A fault campaign from a script, through tgr's public API only (docs/API.md): build a small ResNet-20, save it,
// run a seeded bit-flip campaign on 16 seeded random images, print each layer's SDC rate with its 99% interval as JSON.
// Usage: node examples/library-campaign.mjs [OUT_DIR]   (inside this repository, run `npm run build` first)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, buildModel, imageSetFromArrays, injectCampaign, saveModel } from 'text-guided-resilience';

const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'tgr-library-'));
const model = join(dir, 'model.onnx');
saveModel(
  buildModel({ backbone: 'resnet20', head: 'linear', inputShape: [3, 32, 32], numClasses: 10, seed: 1 }),
  model,
);

const rng = new Rng(7);
const n = 16;
const images = imageSetFromArrays({
  images: Float32Array.from({ length: n * 3 * 32 * 32 }, () => rng.normal()),
  labels: Int32Array.from({ length: n }, (_, i) => i % 10),
  shape: [3, 32, 32],
  name: 'random',
});

const { dir: campaign, summary } = await injectCampaign({
  model,
  images,
  runDir: dir,
  perLayer: 8,
  seed: 0,
  quiet: true,
});
console.log(
  JSON.stringify({
    campaign,
    layers: summary.layers.map((l) => ({ layer: l.layer, n: l.n, sdc: l.sdc })),
    overall: { sdc: summary.overall.sdc },
  }),
);
