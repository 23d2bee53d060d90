/**
 * What the trainer draws images from: a source yields the batches of one epoch at a time, each epoch's shuffle and
 * augmentation seeded from (seed, epoch) alone, so any epoch can be replayed without the ones before it — that is
 * what makes --resume exact. src/data's Loader has this shape; `tensorSource` serves images already in memory.
 */
import { Rng } from '../core/rng.js';
import { invariant } from '../core/errors.js';

/** One batch: images NCHW float32 (normalised) and class indices. */
export interface Batch {
  x: Float32Array;
  dims: [n: number, c: number, h: number, w: number];
  labels: Int32Array;
}

export interface BatchSource {
  /** Images in one epoch. */
  size: number;
  batchesPerEpoch: number;
  /** The batches of epoch `e`, prepared ahead while the consumer awaits its step. */
  epoch(e: number): AsyncIterable<Batch>;
}

export interface TensorSourceOptions {
  batchSize: number;
  /** Reshuffle each epoch from (seed, epoch); off keeps the stored order (evaluation). */
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
}

/** A source over float32 images already in memory, [N, ...shape] (synthetic tasks, tests); no augmentation. */
export function tensorSource(
  images: Float32Array,
  labels: Int32Array,
  shape: [number, number, number],
  opts: TensorSourceOptions,
): BatchSource {
  const per = shape[0] * shape[1] * shape[2];
  const size = labels.length;
  invariant(images.length === size * per, `tensorSource: ${images.length} values for ${size} images of [${shape}]`);
  const { batchSize, seed = 0, shuffle = false, dropLast = false } = opts;
  const batchesPerEpoch = dropLast ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
  return {
    size,
    batchesPerEpoch,
    async *epoch(e) {
      const order = Int32Array.from({ length: size }, (_, i) => i);
      if (shuffle) new Rng(`order/${seed}/${e}`).shuffle(order);
      for (let b = 0; b < batchesPerEpoch; b++) {
        const idx = order.subarray(b * batchSize, Math.min(size, (b + 1) * batchSize));
        const x = new Float32Array(idx.length * per);
        idx.forEach((j, k) => x.set(images.subarray(j * per, (j + 1) * per), k * per));
        yield { x, dims: [idx.length, ...shape], labels: idx.map((j) => labels[j]!) };
      }
    },
  };
}
