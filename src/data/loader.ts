/**
 * The batch loader: a seeded order per epoch, augmentation, normalisation, NCHW float32 batches. In-memory splits
 * are assembled on the main thread in idle time between training steps (the ORT step runs on its own threads);
 * image folders are decoded in a worker thread. Either way `prefetch` batches are prepared ahead of the consumer.
 * A Loader is a src/train BatchSource: each epoch's order and augmentation depend on (seed, epoch) alone.
 */
import { check, invariant } from '../core/errors.js';
import { hashString, Rng } from '../core/rng.js';
import type { AugmentPolicy, ChannelStats, Dataset, MemorySplit, Split, SplitName } from './dataset.js';
import { getSplit, imageSize } from './dataset.js';
import { DecodeWorker } from './decode-pool.js';
import type { DecodeTransform } from './image-decode.js';
import { drawAug, noAug, normalizeTable, writeImage } from './transform.js';

/** One batch: images as NCHW float32, their labels, and their indices in the split. */
export interface Batch {
  x: Float32Array;
  dims: [n: number, c: number, h: number, w: number];
  labels: Int32Array;
  indices: Int32Array;
}

/** An extra augmentation applied to each finished batch on the main thread (cutout, noise…), with its own Rng. */
export type BatchHook = (batch: Batch, rng: Rng) => void;

export interface LoaderOptions {
  batchSize: number;
  /** Reshuffle each epoch from (seed, epoch); default on for the train split, off otherwise. */
  shuffle?: boolean;
  seed?: number;
  /** Training augmentation: true = the dataset's policy, or a policy; default off. */
  augment?: boolean | AugmentPolicy;
  /** 'dataset' (default) uses the dataset's constants, 'none' gives v/255, or give constants. */
  normalize?: 'dataset' | 'none' | ChannelStats;
  /** Drop a last partial batch (default false). */
  dropLast?: boolean;
  hooks?: BatchHook[];
  /** Batches prepared ahead of the consumer (default 2). */
  prefetch?: number;
}

export interface Loader {
  readonly dataset: Dataset;
  readonly split: Split;
  /** Images in the split (one epoch visits each once; with dropLast, the last partial batch is skipped). */
  readonly size: number;
  readonly batchesPerEpoch: number;
  /** The image order of an epoch (a seeded shuffle, or 0…n−1). */
  order(epoch: number): Int32Array;
  /** The batches of one epoch in order; later batches are prepared while the consumer works on earlier ones. */
  epoch(epoch: number): AsyncGenerator<Batch>;
  /** One batch of the given images; `key` seeds its augmentation (same key, same batch). */
  batch(indices: ArrayLike<number>, key?: string): Promise<Batch>;
  /** Stops the decode worker, if one was started. */
  close(): Promise<void>;
}

/** Creates a loader over one split of a dataset. */
export function createLoader(ds: Dataset, splitName: SplitName, opts: LoaderOptions): Loader {
  const split = getSplit(ds, splitName);
  const { batchSize, seed = 0, dropLast = false, hooks = [], prefetch = 2 } = opts;
  check(
    Number.isInteger(batchSize) && batchSize > 0,
    'bad_argument',
    () => `batch size must be a positive integer; got ${batchSize}`,
  );
  check(
    Number.isInteger(prefetch) && prefetch >= 1,
    'bad_argument',
    () => `prefetch must be a positive integer; got ${prefetch}`,
  );
  const shuffle = opts.shuffle ?? splitName === 'train';
  const policy = opts.augment === true ? ds.augment : opts.augment || null;
  const stats =
    opts.normalize === 'none'
      ? { mean: [0], std: [1] }
      : opts.normalize === 'dataset' || !opts.normalize
        ? ds.stats
        : opts.normalize;
  const lut = normalizeTable(stats, ds.shape[0]);
  const per = imageSize(ds.shape);
  let worker: Promise<DecodeWorker> | null = null;

  const pixels = async (indices: Int32Array, key: string): Promise<Float32Array> => {
    if (split.kind === 'memory') {
      // Deferred to idle time so that, while an ORT step is awaited, the next batch is built.
      return new Promise((resolve) => setImmediate(() => resolve(assemble(split, ds, indices, policy, lut, key))));
    }
    worker ??= DecodeWorker.start();
    const transform: DecodeTransform = policy
      ? {
          kind: 'train',
          size: ds.shape[1],
          flip: policy.flip,
          ...(policy.resizedCrop ?? { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] }),
        }
      : { kind: 'eval', size: ds.shape[1], resize: split.resize };
    const files = Array.from(indices, (i) => split.files[i]!);
    return (await worker).run({ files, shape: ds.shape, transform, seed: hashString(`aug/${key}`), lut });
  };

  const batch = async (idx: ArrayLike<number>, key = 'batch'): Promise<Batch> => {
    const indices = Int32Array.from(idx);
    for (const i of indices)
      check(
        i >= 0 && i < split.size,
        'bad_argument',
        () => `image index ${i} is outside ${ds.name}/${splitName} (0..${split.size - 1})`,
      );
    const x = await pixels(indices, `${seed}/${key}`);
    invariant(x.length === indices.length * per, `batch of ${x.length} values for ${indices.length} images`);
    const b: Batch = { x, dims: [indices.length, ...ds.shape], labels: indices.map((i) => split.labels[i]!), indices };
    for (const [h, hook] of hooks.entries()) hook(b, new Rng(`hook${h}/${seed}/${key}`));
    return b;
  };

  const order = (epoch: number): Int32Array => {
    const o = Int32Array.from({ length: split.size }, (_, i) => i);
    return shuffle ? (new Rng(`order/${seed}/${epoch}`).shuffle(o) as Int32Array) : o;
  };
  const batchesPerEpoch = dropLast ? Math.floor(split.size / batchSize) : Math.ceil(split.size / batchSize);

  async function* epoch(e: number): AsyncGenerator<Batch> {
    const o = order(e);
    const queue: Promise<Batch>[] = [];
    let next = 0;
    const fill = () => {
      while (queue.length < prefetch && next < batchesPerEpoch) {
        const b = next++;
        const p = batch(o.subarray(b * batchSize, Math.min(split.size, (b + 1) * batchSize)), `${e}/${b}`);
        // A batch the consumer never awaits (it stopped early) must not become an unhandled rejection.
        p.catch(() => {});
        queue.push(p);
      }
    };
    fill();
    while (queue.length > 0) {
      const b = await queue.shift()!;
      fill();
      yield b;
    }
  }

  return {
    dataset: ds,
    split,
    size: split.size,
    batchesPerEpoch,
    order,
    epoch,
    batch,
    async close() {
      if (worker) await (await worker).close();
    },
  };
}

/** Builds an in-memory batch: per image one augmentation draw and one pass of writeImage. */
function assemble(
  split: MemorySplit,
  ds: Dataset,
  indices: Int32Array,
  policy: AugmentPolicy | null,
  lut: Float32Array,
  key: string,
): Float32Array {
  const per = imageSize(ds.shape);
  const x = new Float32Array(indices.length * per);
  const rng = policy ? new Rng(`aug/${key}`) : null;
  for (let k = 0; k < indices.length; k++) {
    const aug = rng && policy ? drawAug(policy, rng) : noAug;
    writeImage(split.pixels, indices[k]! * per, ds.shape, x, k * per, lut, aug);
  }
  return x;
}
