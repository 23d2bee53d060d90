import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openImages, planFit, resolveRunTarget } from '../../src/cli/run-target.js';
import { openDataset } from '../../src/data/registry.js';
import { imageFitter, normalizePresets } from '../../src/data/transform-fit.js';
import { prepareGolden } from '../../src/faults/campaign.js';
import { saveModel } from '../../src/onnx/proto-io.js';
import { cifarRecords, tempDir, writeImage } from '../data/fixtures.js';
import { residualNet } from '../faults/nets.js';

const imagenet = normalizePresets.imagenet!;

/** A torchvision-shaped export: one input named `input`, [N,3,side,side], `classes` logits. */
function torchvisionShaped(dir: string, side: number, classes: number): string {
  const file = join(dir, `net-${side}-${classes}.onnx`);
  saveModel(residualNet({ size: side, classes, width: 4, channels: 3 }), file);
  return file;
}

function cifarDir(dir: string): { dir: string; pixels: Uint8Array } {
  const root = join(dir, 'cifar');
  mkdirSync(root, { recursive: true });
  const labels = Array.from({ length: 6 }, (_, i) => [i % 10]);
  writeFileSync(join(root, 'data_batch_1.bin'), cifarRecords(labels, 1).bytes);
  writeFileSync(join(root, 'batches.meta.txt'), Array.from({ length: 10 }, (_, i) => `c${i}\n`).join(''));
  const t = cifarRecords(labels, 50);
  writeFileSync(join(root, 'test_batch.bin'), t.bytes);
  return { dir: root, pixels: t.pixels };
}

test('CIFAR-format 32×32 into a 224×224, 1000-class export with --normalize imagenet: pixels, fit line, golden pass', async () => {
  const dir = tempDir('fit-cifar');
  const data = cifarDir(dir);
  const model = torchvisionShaped(dir, 224, 1000);
  const images = await openImages(resolveRunTarget(model, join(dir, 'run')), {
    dataset: 'cifar10',
    dataDir: data.dir,
    normalize: imagenet,
  });
  assert.deepEqual(images.shape, [3, 224, 224]);
  assert.equal(
    images.fit,
    '[3,32,32] → resize 224 (bilinear, no antialias), centre crop 224×224, 3→3 channels, normalize mean 0.485,0.456,0.406 std 0.229,0.224,0.225',
  );
  const x = await images.pixels([1]);
  const plane = 224 * 224;
  // Output (0,0) samples source (0,0) exactly (PyTorch clamps the negative source coordinate to 0).
  for (let c = 0; c < 3; c++) {
    const expected = (data.pixels[3072 + c * 1024]! / 255 - imagenet.mean[c]!) / imagenet.std[c]!;
    assert.ok(Math.abs(x[c * plane]! - expected) < 1e-6, `channel ${c}: ${x[c * plane]} vs ${expected}`);
  }
  const runDir = join(dir, 'run');
  const { golden } = await prepareGolden({ model, images, runDir, limit: 2, quiet: true });
  assert.equal(golden.indices.length, 2);
  assert.ok(golden.preds.every((p) => p >= 0 && p < 1000));
  assert.equal(JSON.parse(readFileSync(join(runDir, 'golden.json'), 'utf8')).dataset.fit, images.fit);
  // Reused with the same --images or none; another count would pool a campaign from other images, so it is refused.
  for (const limit of [2, undefined])
    assert.deepEqual(
      (await prepareGolden({ model, images, runDir, limit, quiet: true })).golden.indices,
      golden.indices,
    );
  await assert.rejects(
    prepareGolden({ model, images, runDir, limit: 3, quiet: true }),
    /^TgrError: \S+golden\.json covers 2 images, not the 3 that --images 3 asks for — drop --images to use it, or use another run directory or delete it$/,
  );
  // The same images fitted otherwise are another golden pass: reusing this one is refused.
  const other = await openImages(resolveRunTarget(model), { dataset: 'cifar10', dataDir: data.dir, normalize: null });
  await assert.rejects(
    prepareGolden({ model, images: other, runDir, limit: 2, quiet: true }),
    /golden\.json is for cifar10\/test \(.*std 0\.229,0\.224,0\.225\), not cifar10\/test \(.*no normalisation\) — use another run directory or delete it$/,
  );
});

test('an image folder into a 64×64 export: the decoded 224 crop resized to 64, the dataset’s own normalisation', async () => {
  const dir = tempDir('fit-folder');
  for (const [k, cls] of ['cat', 'dog'].entries()) {
    mkdirSync(join(dir, 'data', cls), { recursive: true });
    await writeImage(join(dir, 'data', cls, 'a.png'), 40, 30, k, 'png');
  }
  const model = torchvisionShaped(dir, 64, 10);
  const images = await openImages(resolveRunTarget(model), { dataset: 'folder', dataDir: join(dir, 'data') });
  assert.deepEqual(images.shape, [3, 64, 64]);
  assert.match(images.fit!, /^\[3,224,224\] → resize 64 \(bilinear, no antialias\), centre crop 64×64, 3→3 channels/);
  assert.deepEqual(Array.from(images.labels), [0, 1]);
  const { golden } = await prepareGolden({ model, images, runDir: join(dir, 'run'), quiet: true });
  assert.equal(golden.indices.length, 2);
  await images.close?.();
});

const debian = '/usr/share/datasets/fashion-mnist';
const skip = existsSync(debian) ? false : `${debian} is absent: install the Debian package dataset-fashion-mnist`;

test(
  'Fashion-MNIST (needs /usr/share/datasets/fashion-mnist) into a 64×64 RGB export: grey repeated, resized 28 → 64',
  { skip },
  async () => {
    const dir = tempDir('fit-fmnist');
    const model = torchvisionShaped(dir, 64, 10);
    const images = await openImages(resolveRunTarget(model), { dataset: 'fashion-mnist', normalize: null });
    assert.deepEqual(images.shape, [3, 64, 64]);
    const x = await images.pixels([0]);
    const ds = await openDataset('fashion-mnist', {});
    const split = ds.splits.test!;
    assert.ok(split.kind === 'memory');
    const raw = Float32Array.from(split.pixels.subarray(0, 784), (v) => v / 255);
    const expected = new Float32Array(3 * 64 * 64);
    imageFitter([1, 28, 28], { shape: [3, 64, 64], resize: 64, normalize: null })(raw, expected, 0);
    assert.deepEqual(x, expected);
    assert.deepEqual(x.subarray(0, 4096), x.subarray(4096, 8192));
    const { golden } = await prepareGolden({ model, images, runDir: join(dir, 'run'), limit: 3, quiet: true });
    assert.equal(golden.indices.length, 3);
  },
);

test('planFit: no fit when the dataset already fits and nothing is asked; --crop must give the model’s H×W', () => {
  const dir = tempDir('fit-plan');
  const model = torchvisionShaped(dir, 32, 10);
  const stats = { mean: [0.5], std: [0.5] };
  assert.equal(planFit(model, [3, 32, 32], stats, {}), undefined);
  assert.deepEqual(planFit(model, [3, 32, 32], stats, { resize: 40 }), {
    shape: [3, 32, 32],
    resize: 40,
    normalize: stats,
  });
  assert.throws(
    () => planFit(model, [3, 32, 32], stats, { crop: [28, 28] }),
    new RegExp(
      `^TgrError: --crop 28,28 does not give the 32×32 images ${model.replace(/[.\\/]/g, '\\$&')} takes; pass --crop 32,32 or leave it out$`,
    ),
  );
});
