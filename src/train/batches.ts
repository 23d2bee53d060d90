/**
 * What the trainer draws images from. A source yields one pass at a time; the trainer hands each training pass a
 * fresh Rng seeded from (seed, epoch), so any epoch can be replayed alone — that is what makes --resume exact.
 */
import type { Rng } from '../core/rng.js';
import type { TensorData } from '../onnx/types.js';
import { invariant } from '../core/errors.js';

export interface Batch {
  /** Images [N, C, H, W], normalised. */
  input: TensorData<'float32'>;
  /** Class indices [N]. */
  labels: TensorData<'int64'>;
}

export interface BatchSource {
  /** Images in one pass. */
  size: number;
  /** One pass in batches: shuffled and augmented with `rng`, or in order and unaugmented when `rng` is null. */
  batches(batchSize: number, rng: Rng | null, dropLast: boolean): Iterable<Batch>;
}

/** A source over images already in memory as float32 [N, C, H, W] (synthetic data, tests); no augmentation. */
export function tensorSource(images: Float32Array, labels: ArrayLike<number>, shape: readonly number[]): BatchSource {
  const per = shape.reduce((a, b) => a * b, 1);
  const size = labels.length;
  invariant(images.length === size * per, `tensorSource: ${images.length} values for ${size} images of [${shape}]`);
  return {
    size,
    *batches(batchSize, rng, dropLast) {
      const order = Array.from({ length: size }, (_, i) => i);
      if (rng) rng.shuffle(order);
      for (let at = 0; at < size; at += batchSize) {
        const idx = order.slice(at, at + batchSize);
        if (dropLast && idx.length < batchSize) break;
        const x = new Float32Array(idx.length * per);
        idx.forEach((j, k) => x.set(images.subarray(j * per, (j + 1) * per), k * per));
        yield {
          input: { dtype: 'float32', dims: [idx.length, ...shape], data: x },
          labels: { dtype: 'int64', dims: [idx.length], data: BigInt64Array.from(idx, (j) => BigInt(labels[j]!)) },
        };
      }
    },
  };
}
