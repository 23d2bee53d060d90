import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { TgrError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { decodeBatch } from '../../src/data/decode-batch.js';
import { decodeImage } from '../../src/data/image-decode.js';
import { createLoader } from '../../src/data/loader.js';
import { openDataset } from '../../src/data/registry.js';
import { normalizeTable } from '../../src/data/transform.js';
import { tempDir, writeImage } from './fixtures.js';

const dir = tempDir('folder');
const root = join(dir, 'food');
const written = new Map<string, Uint8Array>();

test.before(async () => {
  // 8×8 images: with --image-size 7 evaluation resizes the shorter side to round(7/0.875) = 8, i.e. not at all.
  for (const [split, cls, n] of [
    ['train', 'apple_pie', 3],
    ['train', 'bibimbap', 2],
    ['val', 'bibimbap', 1],
    ['val', 'apple_pie', 2],
  ] as const) {
    mkdirSync(join(root, split, cls), { recursive: true });
    for (let i = 0; i < n; i++) {
      const f = join(root, split, cls, `${i}.png`);
      written.set(f, await writeImage(f, 8, 8, written.size, 'png'));
    }
  }
  writeFileSync(join(root, 'train', 'apple_pie', 'notes.txt'), 'not an image');
});

/** The centre 7×7 of an 8×8 CHW image (torchvision rounds the 0.5 offset to the even 0). */
function centre7(chw: Uint8Array): Uint8Array {
  const out = new Uint8Array(3 * 49);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) out[c * 49 + y * 7 + x] = chw[c * 64 + y * 8 + x]!;
  return out;
}

test('image folder: classes, files and labels follow the torchvision ImageFolder layout; non-images are skipped', async () => {
  const ds = await openDataset('food101', { dataDir: root, imageSize: 7 });
  assert.deepEqual(ds.classNames, ['apple_pie', 'bibimbap']);
  assert.deepEqual(ds.shape, [3, 7, 7]);
  const train = ds.splits.train!;
  const test = ds.splits.test!;
  assert.ok(train.kind === 'files' && test.kind === 'files');
  assert.equal(train.resize, 8);
  assert.deepEqual(Array.from(train.labels), [0, 0, 0, 1, 1]);
  assert.deepEqual(Array.from(test.labels), [0, 0, 1]);
  assert.deepEqual(
    test.files.map((f) => f.slice(root.length)),
    ['/val/apple_pie/0.png', '/val/apple_pie/1.png', '/val/bibimbap/0.png'],
  );
});

test('image folder: PNG pixels come back exactly through the worker-thread loader (evaluation transform)', async () => {
  const ds = await openDataset('folder', { dataDir: root, imageSize: 7 });
  const loader = createLoader(ds, 'test', { batchSize: 2, normalize: 'none' });
  try {
    const batches = [];
    for await (const b of loader.epoch(0)) batches.push(b);
    assert.deepEqual(
      batches.map((b) => b.dims),
      [
        [2, 3, 7, 7],
        [1, 3, 7, 7],
      ],
    );
    const split = ds.splits.test!;
    assert.ok(split.kind === 'files');
    for (const b of batches) {
      b.indices.forEach((i, k) => {
        const want = Float32Array.from(centre7(written.get(split.files[i]!)!), (v) => v / 255);
        assert.deepEqual(b.x.subarray(k * 147, (k + 1) * 147), want);
        assert.equal(b.labels[k], split.labels[i]);
      });
    }
  } finally {
    await loader.close();
  }
});

test('image folder: the worker gives the same augmented batch as decoding in-process with the same seed', async () => {
  const ds = await openDataset('folder', { dataDir: root, imageSize: 6 });
  const loader = createLoader(ds, 'train', { batchSize: 5, augment: true, seed: 3 });
  try {
    const a = await loader.batch([0, 1, 2, 3, 4], 'k');
    const again = await loader.batch([0, 1, 2, 3, 4], 'k');
    const other = await loader.batch([0, 1, 2, 3, 4], 'other');
    assert.deepEqual(a.x, again.x, 'same key, same crops');
    assert.notDeepEqual(a.x, other.x, 'another key draws other crops');
    const split = ds.splits.train!;
    assert.ok(split.kind === 'files');
    const { hashString } = await import('../../src/core/rng.js');
    const local = await decodeBatch({
      files: split.files.slice(0, 5),
      shape: ds.shape,
      transform: { kind: 'train', size: 6, flip: true, scale: [0.08, 1], ratio: [3 / 4, 4 / 3] },
      seed: hashString('aug/3/k'),
      lut: normalizeTable(ds.stats, 3),
    });
    assert.deepEqual(a.x, local);
  } finally {
    await loader.close();
  }
});

test('image folder: JPEG decodes to the same pixels as sharp’s own decode; grey images get 3 channels', async () => {
  const jpg = join(dir, 'x.jpg');
  await writeImage(jpg, 9, 9, 7, 'jpeg');
  const { data } = await sharp(jpg).raw().toBuffer({ resolveWithObject: true });
  const got = await decodeImage(jpg, { kind: 'eval', size: 9, resize: 9 });
  for (let p = 0; p < 81; p++) for (let c = 0; c < 3; c++) assert.equal(got[c * 81 + p], data[p * 3 + c]);
  const grey = join(dir, 'g.png');
  await sharp(
    Uint8Array.from({ length: 64 }, (_, i) => i * 3),
    { raw: { width: 8, height: 8, channels: 1 } },
  )
    .png()
    .toFile(grey);
  const g = await decodeImage(grey, { kind: 'train', size: 4, scale: [1, 1], ratio: [1, 1], flip: false }, new Rng(1));
  assert.equal(g.length, 48);
  assert.deepEqual(g.subarray(0, 16), g.subarray(32, 48));
});

test('image folder: an empty folder, a stray class and a corrupt image are one-line errors naming the path; nothing hangs', async () => {
  const oneLine = (re: RegExp) => (e: unknown) =>
    e instanceof TgrError && !e.message.includes('\n') && re.test(e.message);
  const empty = join(dir, 'empty');
  mkdirSync(join(empty, 'train', 'cat'), { recursive: true });
  await assert.rejects(
    openDataset('folder', { dataDir: empty }),
    oneLine(/empty\/train: no images found; expected CLASS\/\*\.jpg\|png/),
  );
  const stray = join(dir, 'stray');
  for (const sub of ['train/cat', 'val/dog']) {
    mkdirSync(join(stray, sub), { recursive: true });
    await writeImage(join(stray, sub, 'a.png'), 4, 4, 0, 'png');
  }
  await assert.rejects(
    openDataset('folder', { dataDir: stray }),
    oneLine(/stray\/val\/dog: class 'dog' is not among the training classes/),
  );
  await assert.rejects(
    openDataset('imagenet', {}),
    oneLine(/imagenet: image folders have no default location; pass --data-dir/),
  );
  const broken = join(dir, 'broken');
  mkdirSync(join(broken, 'cat'), { recursive: true });
  writeFileSync(join(broken, 'cat', 'bad.jpg'), 'this is not a jpeg');
  const ds = await openDataset('folder', { dataDir: broken, imageSize: 4 });
  assert.deepEqual(Object.keys(ds.splits), ['test'], 'ROOT/CLASS without split folders is an evaluation split');
  const loader = createLoader(ds, 'test', { batchSize: 1 });
  try {
    await assert.rejects(loader.batch([0]), oneLine(/broken\/cat\/bad\.jpg: cannot decode image/));
    await assert.rejects(loader.batch([0]), oneLine(/bad\.jpg/), 'the worker survives a bad file');
  } finally {
    await loader.close();
  }
});
