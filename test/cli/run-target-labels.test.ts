/**
 * Labels of foreign exports (issue 18): synset folders and class-list files mapped onto a torchvision-shaped 64×64,
 * 1000-class model whose answers are known by construction, so the golden accuracy is known too.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { openImages, resolveRunTarget } from '../../src/cli/run-target.js';
import { openDataset } from '../../src/data/registry.js';
import { prepareGolden } from '../../src/faults/campaign.js';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { saveModel } from '../../src/onnx/proto-io.js';
import { f32 } from '../../src/onnx/tensor.js';
import { cifarRecords, tempDir } from '../data/fixtures.js';
import { runCli } from './run-cli.js';

const red = { r: 255, g: 0, b: 0 };
const green = { r: 0, g: 255, b: 0 };
const blue = { r: 0, g: 0, b: 255 };

/**
 * [N,3,64,64] → 1×1 conv (identity) → global average pool → fc to 1000 classes. fc gives class 5 ten times the mean
 * red, 400 the green and 999 the blue, every other class 0: a solid red, green or blue image (ImageNet-normalised: its
 * own channel ≈ +2.2…2.6, the others negative) is class 5, 400 or 999.
 */
function colourNet(dir: string): string {
  const b = new GraphBuilder('colour_net');
  const x = b.input('input', 'float32', ['N', 3, 64, 64]);
  const eye = b.initializer('conv.weight', f32([3, 3, 1, 1], Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1])));
  const pooled = b.flatten(b.globalAveragePool(b.conv(x, eye, undefined, { name: 'conv' }), { name: 'avgpool' }));
  const w = new Float32Array(1000 * 3);
  [5, 400, 999].forEach((cls, ch) => (w[cls * 3 + ch] = 10));
  const fc = b.gemm(pooled, b.initializer('fc.weight', f32([1000, 3], w)), undefined, { name: 'fc', transB: 1 });
  b.output(fc, 'logits');
  const file = join(dir, 'colour-64.onnx');
  saveModel(b.finishModel({ 'tgr.head': 'linear' }), file);
  return file;
}

async function solid(path: string, background: { r: number; g: number; b: number }): Promise<void> {
  await sharp({ create: { width: 40, height: 30, channels: 3, background } })
    .png()
    .toFile(path);
}

/** An image folder: one sub-folder per class, one solid image in each coloured one (uncoloured ones stay empty). */
async function synsetFolder(root: string, classes: [string, { r: number; g: number; b: number } | null][]) {
  for (const [cls, colour] of classes) {
    mkdirSync(join(root, cls), { recursive: true });
    if (colour) await solid(join(root, cls, 'a.png'), colour);
  }
  return root;
}

/** A 1000-line class list: filler synsets (n9…) with `at` placed on their lines. */
function classList(file: string, at: Record<number, string>): string {
  const lines = Array.from({ length: 1000 }, (_, i) => at[i] ?? `n9${String(i).padStart(7, '0')} filler ${i}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('synset folders of 4 classes mapped by a class list onto a 64×64 1000-class export: labels, golden accuracy 3/4, reuse only with the same mapping', async () => {
  const dir = tempDir('labels-list');
  const model = colourNet(dir);
  const data = await synsetFolder(join(dir, 'val'), [
    ['n01440764', red],
    ['n01443537', green],
    ['n01484850', blue],
    ['n01491361', red], // the list puts it at 7, but the net calls red 5: the one miss
  ]);
  await assert.rejects(
    openImages(resolveRunTarget(model), { dataset: 'imagenet', dataDir: data }),
    /^TgrError: imagenet: 4 synset folders, but the model scores 1000 ImageNet classes .* pass --class-list FILE/,
  );
  const at = { 5: 'n01440764 tench, Tinca tinca', 400: 'n01443537', 999: 'n01484850 goldfish', 7: 'n01491361' };
  const list = classList(join(dir, 'classes.txt'), at);
  const runDir = join(dir, 'run');
  const images = await openImages(resolveRunTarget(model, runDir), {
    dataset: 'imagenet',
    dataDir: data,
    classList: list,
  });
  try {
    assert.deepEqual(Array.from(images.labels), [5, 400, 999, 7]);
    const { golden } = await prepareGolden({ model, images, runDir, quiet: true });
    assert.deepEqual(golden.labels, [5, 400, 999, 7]);
    assert.deepEqual(golden.preds, [5, 400, 999, 5]);
    assert.equal(golden.accuracy, 0.75);
    const recorded = JSON.parse(readFileSync(join(runDir, 'golden.json'), 'utf8')).dataset.labelMap;
    assert.deepEqual(recorded, {
      how: 'class-list',
      file: list,
      sha256: createHash('sha256').update(readFileSync(list)).digest('hex'),
      classes: 1000,
      map: { n01440764: 5, n01443537: 400, n01484850: 999, n01491361: 7 },
    });
  } finally {
    await images.close?.();
  }
  // The same list at another path is the same mapping: golden.json is reused.
  const copy = join(dir, 'copy.txt');
  writeFileSync(copy, readFileSync(list));
  const again = await openImages(resolveRunTarget(model), { dataset: 'imagenet', dataDir: data, classList: copy });
  try {
    assert.equal((await prepareGolden({ model, images: again, runDir, quiet: true })).golden.accuracy, 0.75);
  } finally {
    await again.close?.();
  }
  // Another mapping is another golden pass: refused, naming both.
  const other = classList(join(dir, 'other.txt'), { ...at, 7: 'n01440764', 5: 'n01491361' });
  const swapped = await openImages(resolveRunTarget(model), { dataset: 'imagenet', dataDir: data, classList: other });
  try {
    await assert.rejects(
      prepareGolden({ model, images: swapped, runDir, quiet: true }),
      new RegExp(
        `^TgrError: ${esc(join(runDir, 'golden.json'))} mapped labels as 4 dataset classes onto 1000 model classes by class list classes\\.txt \\(sha256 [0-9a-f]{12}…\\): n01440764→5, n01443537→400, n01484850→999, n01491361→7, not 4 dataset classes onto 1000 model classes by class list other\\.txt \\(sha256 [0-9a-f]{12}…\\): n01440764→7, n01443537→400, n01484850→999, n01491361→5 — use another run directory or delete it$`,
      ),
    );
  } finally {
    await swapped.close?.();
  }
});

test('all 1000 synset folders onto a 1000-class export in sorted-wnid order: labels and golden accuracy 1', async () => {
  const dir = tempDir('labels-synsets');
  const model = colourNet(dir);
  const colours: Record<number, { r: number; g: number; b: number }> = { 5: red, 400: green, 999: blue };
  // Created in reverse so the order comes from sorting, not from creation.
  const classes = Array.from({ length: 1000 }, (_, i) => 999 - i).map(
    (i): [string, { r: number; g: number; b: number } | null] => [
      `n0${String(i * 7).padStart(7, '0')}`,
      colours[i] ?? null,
    ],
  );
  const data = await synsetFolder(join(dir, 'val'), classes);
  const images = await openImages(resolveRunTarget(model), { dataset: 'imagenet', dataDir: data });
  try {
    assert.equal(images.labelMap?.how, 'synset-order');
    assert.equal(images.labelMap?.map['n00002800'], 400);
    assert.deepEqual(Array.from(images.labels), [5, 400, 999]);
    const { golden } = await prepareGolden({ model, images, runDir: join(dir, 'run'), quiet: true });
    assert.deepEqual(golden.preds, [5, 400, 999]);
    assert.equal(golden.accuracy, 1);
  } finally {
    await images.close?.();
  }
});

test('CIFAR-format class names mapped by a class list; a class missing from it is one line naming it and the file', async () => {
  const dir = tempDir('labels-cifar');
  const model = colourNet(dir);
  const root = join(dir, 'cifar');
  mkdirSync(root, { recursive: true });
  const labels = Array.from({ length: 6 }, (_, i) => [i]);
  writeFileSync(join(root, 'data_batch_1.bin'), cifarRecords(labels, 1).bytes);
  writeFileSync(join(root, 'test_batch.bin'), cifarRecords(labels, 2).bytes);
  writeFileSync(join(root, 'batches.meta.txt'), Array.from({ length: 10 }, (_, i) => `c${i}\n`).join(''));
  const names = Object.fromEntries(Array.from({ length: 10 }, (_, k) => [10 * k + 3, `c${k}`]));
  const list = classList(join(dir, 'cifar-classes.txt'), names);
  const images = await openImages(resolveRunTarget(model), { dataset: 'cifar10', dataDir: root, classList: list });
  assert.deepEqual(Array.from(images.labels), [3, 13, 23, 33, 43, 53]);
  assert.match(images.fit!, /^\[3,32,32\] → resize 64/);
  const short = classList(join(dir, 'short.txt'), { ...names, 93: 'c99' });
  await assert.rejects(
    openImages(resolveRunTarget(model), { dataset: 'cifar10', dataDir: root, classList: short }),
    new RegExp(
      `^TgrError: --class-list ${esc(short)}: cifar10 class 'c9' is not in it \\(1000 lines, line i = model class i\\); add it, or pass a list naming the dataset's classes$`,
    ),
  );
});

test('tgr plan --class-list on synset folders: golden.json maps labels; without the list, one line and exit 2', async () => {
  const dir = tempDir('labels-cli');
  const model = colourNet(dir);
  const data = await synsetFolder(join(dir, 'val'), [
    ['n01440764', red],
    ['n01443537', green],
    ['n01484850', blue],
  ]);
  const list = classList(join(dir, 'classes.txt'), { 5: 'n01440764', 400: 'n01443537', 999: 'n01484850' });
  const args = ['plan', model, '--dataset', 'imagenet', '--data-dir', data, '--per-layer', '4', '--quiet'];
  const refused = await runCli(...args);
  assert.equal(refused.code, 2);
  assert.match(
    refused.err,
    /^tgr: imagenet: 3 synset folders, but the model scores 1000 ImageNet classes .*LOC_synset_mapping\.txt\)\n$/,
  );
  const r = await runCli(...args, '--class-list', list);
  assert.equal(r.code, 0, r.err);
  const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8'));
  assert.deepEqual(golden.dataset.labelMap.map, { n01440764: 5, n01443537: 400, n01484850: 999 });
  assert.deepEqual([golden.labels, golden.preds, golden.accuracy], [[5, 400, 999], [5, 400, 999], 1]);
});

const fashion = '/usr/share/datasets/fashion-mnist';
const fashionNames = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

test(
  'Fashion-MNIST (needs /usr/share/datasets/fashion-mnist) class names by a class list in another order',
  { skip: existsSync(fashion) ? false : `${fashion} is absent: install the Debian package dataset-fashion-mnist` },
  async () => {
    const dir = tempDir('labels-fmnist');
    const model = colourNet(dir);
    // Model class 10·k+1 is Fashion-MNIST class 9−k.
    const list = classList(
      join(dir, 'fashion.txt'),
      Object.fromEntries(fashionNames.map((n, k) => [10 * (9 - k) + 1, n])),
    );
    const images = await openImages(resolveRunTarget(model), { dataset: 'fashion-mnist', classList: list });
    const ds = await openDataset('fashion-mnist', {});
    const raw = ds.splits.test!.labels;
    assert.equal(images.size, raw.length);
    assert.deepEqual(
      Array.from(images.labels).slice(0, 50),
      Array.from(raw.slice(0, 50), (l) => 10 * (9 - l) + 1),
    );
    assert.equal(images.labelMap!.map['T-shirt/top'], 91);
  },
);
