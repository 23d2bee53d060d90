/**
 * Loader throughput on Fashion-MNIST (batches of 64 and 128, pad-crop 2 + flip, normalised) against a plain path
 * that copies each image and applies pad, crop, flip and normalise as separate steps, as a straightforward port of
 * torchvision's transforms would. Also: the main-thread cost per batch (what it takes from a training step), a
 * worker round trip for comparison, and image-folder decode throughput through the worker.
 * Run: npx tsx bench/data-loader.ts   (needs /usr/share/datasets/fashion-mnist or TGR_CACHE with fashion-mnist)
 */
import './tuned.js';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { Rng } from '../src/core/rng.js';
import type { Dataset, MemorySplit } from '../src/data/dataset.js';
import { createLoader } from '../src/data/loader.js';
import { openDataset } from '../src/data/registry.js';
import { drawAug } from '../src/data/transform.js';

const runs = 7;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** Images per second of each fn (each processes `images` images), median of `runs` runs taken alternately so that
 * load from other processes on the shared machine falls on all of them alike. */
async function rates(images: number, fns: (() => Promise<void>)[]): Promise<number[]> {
  const t: number[][] = fns.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      t[k]!.push(performance.now() - t0);
    }
  }
  return t.map((v) => images / (median(v) / 1000));
}

/** The plain path: per image, copy to float, pad into a new array, crop, flip, normalise, copy into the batch. */
function plainBatch(split: MemorySplit, ds: Dataset, idx: Int32Array, rng: Rng): Float32Array {
  const [c, h, w] = ds.shape;
  const per = c * h * w;
  const pad = ds.augment.padCrop;
  const x = new Float32Array(idx.length * per);
  idx.forEach((i, k) => {
    const img = Float32Array.from(split.pixels.subarray(i * per, (i + 1) * per), (v) => v / 255);
    const ph = h + 2 * pad;
    const pw = w + 2 * pad;
    const padded = new Float32Array(c * ph * pw);
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++) padded[(ch * ph + y + pad) * pw + xx + pad] = img[(ch * h + y) * w + xx]!;
    const a = drawAug(ds.augment, rng);
    const crop = new Float32Array(per);
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++)
          crop[(ch * h + y) * w + xx] = padded[(ch * ph + y + a.dy + pad) * pw + xx + a.dx + pad]!;
    const flipped = a.flip ? new Float32Array(per) : crop;
    if (a.flip)
      for (let ch = 0; ch < c; ch++)
        for (let y = 0; y < h; y++)
          for (let xx = 0; xx < w; xx++) flipped[(ch * h + y) * w + xx] = crop[(ch * h + y) * w + w - 1 - xx]!;
    for (let p = 0; p < per; p++) {
      const ch = Math.floor(p / (h * w));
      x[k * per + p] = (flipped[p]! - ds.stats.mean[ch]!) / ds.stats.std[ch]!;
    }
  });
  return x;
}

/** Round trip of one transferred batch-sized buffer to an echo worker: the least a worker-built batch would cost. */
async function workerRoundTripMs(floats: number): Promise<number> {
  const w = new Worker(
    `require('node:worker_threads').parentPort.on('message', (b) => require('node:worker_threads').parentPort.postMessage(b, [b.buffer]))`,
    { eval: true },
  );
  const t: number[] = [];
  for (let r = 0; r < 200; r++) {
    const buf = new Float32Array(floats);
    const t0 = performance.now();
    await new Promise((res) => {
      w.once('message', res);
      w.postMessage(buf, [buf.buffer]);
    });
    t.push(performance.now() - t0);
  }
  await w.terminate();
  return median(t);
}

const ds = await openDataset('fashion-mnist');
const split = ds.splits.train as MemorySplit;
const nBatches = 150;
console.log(
  `Fashion-MNIST train, ${nBatches} batches per run, median of ${runs} runs, pad-crop ${ds.augment.padCrop} + flip`,
);
for (const bs of [64, 128]) {
  const loader = createLoader(ds, 'train', { batchSize: bs, augment: true, seed: 1 });
  const order = loader.order(0);
  const rng = new Rng(1);
  const [fast, plain] = await rates(nBatches * bs, [
    async () => {
      for (let b = 0; b < nBatches; b++) await loader.batch(order.subarray(b * bs, (b + 1) * bs), `${b}`);
    },
    async () => {
      for (let b = 0; b < nBatches; b++) plainBatch(split, ds, order.subarray(b * bs, (b + 1) * bs), rng);
    },
  ]);
  const [epoch] = await rates(split.size, [
    async () => {
      for await (const _ of loader.epoch(0));
    },
  ]);
  const msPerBatch = (bs / fast) * 1000;
  const trip = await workerRoundTripMs(bs * 784);
  console.log(
    `batch ${bs}: loader ${Math.round(fast)} img/s (whole epoch ${Math.round(epoch)} img/s), plain ${Math.round(plain)} img/s, ` +
      `ratio ${(fast / plain).toFixed(1)}×; main thread ${msPerBatch.toFixed(2)} ms/batch vs worker round trip ${trip.toFixed(2)} ms; ` +
      `a 300–1000 img/s training step takes ${((bs / 1000) * 1000).toFixed(0)}–${((bs / 300) * 1000).toFixed(0)} ms`,
  );
}

// Image folders: 256 JPEGs of 320×240 decoded to 224×224 through the worker (evaluation and training transforms).
const dir = mkdtempSync(join(tmpdir(), 'tgr-bench-'));
try {
  for (const cls of ['a', 'b']) {
    mkdirSync(join(dir, 'train', cls), { recursive: true });
    for (let i = 0; i < 128; i++) {
      const px = Uint8Array.from({ length: 320 * 240 * 3 }, (_, p) => (p * 7 + i * 13 + ((p / 960) | 0)) & 255);
      await sharp(px, { raw: { width: 320, height: 240, channels: 3 } })
        .jpeg({ quality: 90 })
        .toFile(join(dir, 'train', cls, `${i}.jpg`));
    }
  }
  const folder = await openDataset('folder', { dataDir: dir });
  for (const augment of [false, true]) {
    const loader = createLoader(folder, 'train', { batchSize: 64, augment });
    await loader.batch([0]); // worker start-up is not throughput
    const [r] = await rates(256, [
      async () => {
        for await (const _ of loader.epoch(0));
      },
    ]);
    console.log(
      `image folder 320×240 JPEG → 224×224, batch 64, ${augment ? 'train (random-resized crop + flip)' : 'eval (resize 256 + centre crop)'}: ${Math.round(r)} img/s`,
    );
    await loader.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
