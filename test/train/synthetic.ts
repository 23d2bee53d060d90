/** A tiny learnable image task for trainer tests: each class is a fixed random pattern plus Gaussian noise. */
import { Rng } from '../../src/core/rng.js';
import { tensorSource, type BatchSource } from '../../src/train/batches.js';

/** `n` images of `shape` in `classes` classes; the same seed gives the same patterns, `split` varies the noise. */
export function synthetic(
  n: number,
  classes: number,
  shape: [number, number, number],
  split: 'train' | 'test',
  batchSize: number,
  seed = 7,
  noise = 1,
): BatchSource {
  const d = shape.reduce((a, b) => a * b, 1);
  const proto = new Rng(seed);
  const patterns = Array.from({ length: classes }, () => Float32Array.from({ length: d }, () => proto.normal()));
  const rng = new Rng(`${seed}/${split}`);
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const images = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) images[i * d + j] = patterns[labels[i]!]![j]! + noise * rng.normal();
  const train = split === 'train';
  return tensorSource(images, labels, shape, { batchSize, shuffle: train, dropLast: train, seed });
}
