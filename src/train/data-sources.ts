/**
 * The trainer's batch sources for a dataset: src/data's loader over the train split (shuffled per epoch, the
 * recipe's augmentation, last partial batch dropped so every step sees a full batch) and over the test split (in
 * order, unaugmented), optionally limited to N images of each split, spread evenly (`spreadIndices`).
 */
import type { Dataset, Split, SplitName } from '../data/dataset.js';
import { getSplit, imageSize } from '../data/dataset.js';
import { spreadIndices } from '../data/spread.js';
import { createLoader, type Loader } from '../data/loader.js';
import type { BatchSource } from './batches.js';

/** Images per evaluation batch: inference only, so larger than training batches cost little memory. */
const EVAL_BATCH = 256;

export interface DataSources {
  train: BatchSource;
  test: BatchSource;
  close(): Promise<void>;
}

/** Loaders for training and evaluation over `ds`, seeded by `seed`. */
export function datasetSources(
  ds: Dataset,
  o: { batchSize: number; seed: number; augment: boolean; limitTrain?: number; limitTest?: number },
): DataSources {
  const limited = limitSplits(ds, { train: o.limitTrain, test: o.limitTest });
  const train = createLoader(limited, 'train', {
    batchSize: o.batchSize,
    seed: o.seed,
    shuffle: true,
    augment: o.augment,
    dropLast: true,
  });
  const test = createLoader(limited, 'test', { batchSize: EVAL_BATCH, shuffle: false });
  return {
    train: fromLoader(train, train.batchesPerEpoch * o.batchSize),
    test: fromLoader(test, test.split.size),
    async close() {
      await Promise.all([train.close(), test.close()]);
    },
  };
}

function fromLoader(l: Loader, size: number): BatchSource {
  return { size, batchesPerEpoch: l.batchesPerEpoch, epoch: (e) => l.epoch(e) };
}

/**
 * The dataset with each split cut to N images spread evenly over it (image i·size/N): image folders list classes
 * one after another, so a prefix would hold only the first classes, while an even spread keeps them all.
 */
export function limitSplits(ds: Dataset, limits: Partial<Record<SplitName, number>>): Dataset {
  const splits = { ...ds.splits };
  for (const [name, n] of Object.entries(limits) as [SplitName, number | undefined][]) {
    if (n === undefined) continue;
    const s = getSplit(ds, name);
    if (n < s.size) splits[name] = pick(s, spreadIndices(s.size, n), imageSize(ds.shape));
  }
  return { ...ds, splits };
}

function pick(s: Split, idx: Int32Array, per: number): Split {
  const labels = idx.map((i) => s.labels[i]!);
  if (s.kind === 'files') return { ...s, size: idx.length, labels, files: Array.from(idx, (i) => s.files[i]!) };
  const pixels = new Uint8Array(idx.length * per);
  idx.forEach((i, k) => pixels.set(s.pixels.subarray(i * per, (i + 1) * per), k * per));
  return { ...s, size: idx.length, labels, pixels };
}
