import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import type { ImageShape } from '../../src/data/dataset.js';
import { createLoader, type Batch } from '../../src/data/loader.js';
import { makeSynthetic } from '../../src/data/synthetic.js';
import { drawAug, normalizeTable, writeImage, type ImageAug } from '../../src/data/transform.js';

const ds = makeSynthetic({ seed: 5, classes: 3, channels: 3, size: 8, trainPerClass: 10, testPerClass: 3 });
const split = ds.splits.train!;
if (split.kind !== 'memory') throw new Error('synthetic is in memory');

async function collect(it: AsyncGenerator<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

/** The torchvision recipe step by step: pad with zeros, crop, mirror, then ToTensor and Normalize. */
function reference(
  src: Uint8Array,
  shape: ImageShape,
  pad: number,
  aug: ImageAug,
  mean: number[],
  std: number[],
): Float32Array {
  const [c, h, w] = shape;
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const py = y + aug.dy + pad;
        const px = (aug.flip ? w - 1 - x : x) + aug.dx + pad;
        const sy = py - pad;
        const sx = px - pad;
        const v = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[ch * h * w + sy * w + sx]! : 0;
        out[ch * h * w + y * w + x] = Math.fround((v / 255 - mean[ch]!) / std[ch]!);
      }
  return out;
}

test('writeImage matches the step-by-step pad → crop → flip → normalise recipe for every shift and mirror', () => {
  const shape: ImageShape = [3, 8, 8];
  const img = split.pixels.subarray(0, 192);
  const lut = normalizeTable(ds.stats, 3);
  const out = new Float32Array(192);
  for (let dy = -3; dy <= 3; dy++)
    for (let dx = -3; dx <= 3; dx++)
      for (const flip of [false, true]) {
        writeImage(img, 0, shape, out, 0, lut, { dy, dx, flip });
        assert.deepEqual(
          out,
          reference(img, shape, 3, { dy, dx, flip }, ds.stats.mean, ds.stats.std),
          `dy=${dy} dx=${dx} flip=${flip}`,
        );
      }
});

test('drawAug stays within the padding and mirrors about half the time', () => {
  const rng = new Rng(1);
  let flips = 0;
  for (let i = 0; i < 2000; i++) {
    const a = drawAug({ padCrop: 2, flip: true }, rng);
    assert.ok(Math.abs(a.dy) <= 2 && Math.abs(a.dx) <= 2);
    flips += a.flip ? 1 : 0;
  }
  assert.ok(flips > 900 && flips < 1100, `${flips} flips`);
  assert.deepEqual(drawAug({ padCrop: 0, flip: false }, rng), { dy: 0, dx: 0, flip: false });
});

test('an epoch visits every image once, in a seeded order that changes per epoch; test splits keep file order', async () => {
  const loader = createLoader(ds, 'train', { batchSize: 7, seed: 11 });
  assert.equal(loader.batchesPerEpoch, 5);
  const e0 = await collect(loader.epoch(0));
  assert.deepEqual(
    e0.map((b) => b.dims[0]),
    [7, 7, 7, 7, 2],
  );
  const seen = e0.flatMap((b) => Array.from(b.indices));
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    Array.from({ length: 30 }, (_, i) => i),
  );
  assert.deepEqual(seen, Array.from(loader.order(0)));
  assert.deepEqual(
    Array.from(createLoader(ds, 'train', { batchSize: 7, seed: 11 }).order(0)),
    seen,
    'same seed, same order',
  );
  assert.notDeepEqual(Array.from(loader.order(1)), seen);
  assert.notDeepEqual(Array.from(createLoader(ds, 'train', { batchSize: 7, seed: 12 }).order(0)), seen);
  const t = createLoader(ds, 'test', { batchSize: 4, dropLast: true });
  assert.deepEqual(
    (await collect(t.epoch(0))).map((b) => Array.from(b.indices)),
    [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ],
  );
});

test('without augmentation a batch is exactly (pixel/255 − mean)/std, with labels of the same images', async () => {
  const loader = createLoader(ds, 'train', { batchSize: 30 });
  const [b] = await collect(loader.epoch(0));
  b!.indices.forEach((i, k) => {
    assert.equal(b!.labels[k], split.labels[i]);
    for (let p = 0; p < 192; p++) {
      const c = Math.floor(p / 64);
      assert.equal(
        b!.x[k * 192 + p],
        Math.fround((split.pixels[i * 192 + p]! / 255 - ds.stats.mean[c]!) / ds.stats.std[c]!),
      );
    }
  });
  const raw = await createLoader(ds, 'train', { batchSize: 1, normalize: 'none' }).batch([4]);
  assert.deepEqual(
    raw.x,
    Float32Array.from(split.pixels.subarray(4 * 192, 5 * 192), (v) => v / 255),
  );
  const mine = await createLoader(ds, 'train', { batchSize: 1, normalize: { mean: [0.5], std: [0.25] } }).batch([4]);
  assert.equal(mine.x[0], Math.fround((split.pixels[4 * 192]! / 255 - 0.5) / 0.25));
});

test('augmentation is seeded per (seed, epoch, batch): reproducible, and it really changes pixels', async () => {
  const opts = { batchSize: 10, seed: 2, augment: { padCrop: 2, flip: true } };
  const a = await collect(createLoader(ds, 'train', opts).epoch(3));
  const b = await collect(createLoader(ds, 'train', opts).epoch(3));
  assert.deepEqual(a, b);
  const plain = await createLoader(ds, 'train', { ...opts, augment: false }).batch(a[0]!.indices);
  assert.notDeepEqual(a[0]!.x, plain.x);
  assert.deepEqual(a[0]!.labels, plain.labels);
});

test('hooks run on each finished batch with their own seeded Rng', async () => {
  const seen: number[] = [];
  const loader = createLoader(ds, 'test', {
    batchSize: 5,
    hooks: [
      (b, rng) => {
        seen.push(rng.int(1000));
        b.x.fill(0, 0, 3);
      },
    ],
  });
  const [b1] = await collect(loader.epoch(0));
  assert.deepEqual(Array.from(b1!.x.subarray(0, 3)), [0, 0, 0]);
  await collect(loader.epoch(0));
  assert.equal(seen.length, 4);
  assert.equal(seen[0], seen[2], 'same epoch and batch, same hook draw');
});

test('bad batch sizes, indices and missing splits are one-line errors', async () => {
  const oneLine = (re: RegExp) => (e: unknown) =>
    e instanceof TgrError && !e.message.includes('\n') && re.test(e.message);
  assert.throws(
    () => createLoader(ds, 'train', { batchSize: 0 }),
    oneLine(/batch size must be a positive integer; got 0/),
  );
  await assert.rejects(
    createLoader(ds, 'test', { batchSize: 2 }).batch([0, 9]),
    oneLine(/image index 9 is outside synthetic\/test \(0\.\.8\)/),
  );
  const onlyTest = { ...ds, splits: { test: ds.splits.test } };
  assert.throws(
    () => createLoader(onlyTest, 'train', { batchSize: 2 }),
    oneLine(/synthetic .* has no 'train' split; it has: test/),
  );
});
