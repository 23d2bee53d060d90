/**
 * CIFAR-10 and CIFAR-100, binary version (Krizhevsky 2009): fixed records of label byte(s) then 3072 pixel bytes,
 * already channel-major (1024 R, 1024 G, 1024 B, rows top to bottom), so a record's pixels are copied as they are.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TgrError } from '../core/errors.js';
import type { Dataset, MemorySplit, SplitName } from './dataset.js';
import { checkLabels, checkRecordBytes } from './format-checks.js';
import { locateDataset } from './locate.js';
import { readDataFile, readNameList } from './read-file.js';
import type { DatasetSource } from './source.js';

const pixelBytes = 3 * 32 * 32;

/** Records of one or more CIFAR binary files: pixels, the last label byte per record (fine), and the first (coarse). */
export interface CifarRecords {
  split: MemorySplit;
  coarse: Int32Array;
}

/** Reads CIFAR binary files with `labelBytes` label bytes per record (1 for CIFAR-10, 2 for CIFAR-100). */
export function readCifarFiles(
  files: string[],
  labelBytes: 1 | 2,
  classes: { fine: number; coarse: number },
): CifarRecords {
  const record = labelBytes + pixelBytes;
  const parts = files.map((f) => ({ file: f, bytes: readDataFile(f) }));
  const counts = parts.map((p) => checkRecordBytes(p.bytes.length, record, p.file));
  const size = counts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(size * pixelBytes);
  const labels = new Int32Array(size);
  const coarse = new Int32Array(size);
  let at = 0;
  for (const [k, { file, bytes }] of parts.entries()) {
    const n = counts[k]!;
    for (let i = 0; i < n; i++) {
      const r = i * record;
      coarse[at + i] = bytes[r]!;
      labels[at + i] = bytes[r + labelBytes - 1]!;
      pixels.set(bytes.subarray(r + labelBytes, r + record), (at + i) * pixelBytes);
    }
    checkLabels(labels.subarray(at, at + n), classes.fine, file);
    if (labelBytes === 2) checkLabels(coarse.subarray(at, at + n), classes.coarse, file);
    at += n;
  }
  return { split: { kind: 'memory', size, pixels, labels, source: files.join(', ') }, coarse };
}

/** data_batch_1.bin … data_batch_5.bin, in numeric order. */
function trainBatches(dir: string): string[] {
  const files = readdirSync(dir)
    .filter((f) => /^data_batch_\d+\.bin$/.test(f))
    .sort((a, b) => parseInt(a.slice(11), 10) - parseInt(b.slice(11), 10));
  if (files.length === 0)
    throw new TgrError(
      'bad_data',
      `${dir}: no data_batch_*.bin files; expected CIFAR-10's binary version (cifar-10-batches-bin)`,
    );
  return files.map((f) => join(dir, f));
}

const cifarAugment = { padCrop: 4, flip: true };

/** CIFAR-10: 32×32 colour, 10 classes. */
export const cifar10: DatasetSource = {
  summary: 'CIFAR-10: 32×32 colour, 10 classes, 50,000 train + 10,000 test (binary version)',
  download: [
    {
      url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
      md5: 'c32a1d4ab5d03f1284b67883e8d87530',
      unpack: true,
    },
  ],
  async open(opts) {
    const dir = locateDataset(
      'cifar10',
      { marker: ['test_batch.bin'], subdirs: ['cifar-10-batches-bin'], systemDirs: [] },
      opts,
    );
    const classNames = readNameList(join(dir, 'batches.meta.txt'), 10);
    const classes = { fine: 10, coarse: 10 };
    const splits: Dataset['splits'] = {
      train: readCifarFiles(trainBatches(dir), 1, classes).split,
      test: readCifarFiles([join(dir, 'test_batch.bin')], 1, classes).split,
    };
    // Per-channel stats of the 50,000 training images, as widely published.
    const stats = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };
    return { name: 'cifar10', classNames, shape: [3, 32, 32], splits, stats, augment: cifarAugment, source: dir };
  },
};

/** CIFAR-100: 32×32 colour, 100 fine classes grouped into 20 coarse superclasses. */
export const cifar100: DatasetSource = {
  summary: 'CIFAR-100: 32×32 colour, 100 classes (20 superclasses), 50,000 train + 10,000 test (binary version)',
  download: [
    {
      url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
      md5: '03b5dce01913d631647c71ecec9e9cb8',
      unpack: true,
    },
  ],
  async open(opts) {
    const dir = locateDataset(
      'cifar100',
      { marker: ['test.bin'], subdirs: ['cifar-100-binary'], systemDirs: [] },
      opts,
    );
    const classNames = readNameList(join(dir, 'fine_label_names.txt'), 100);
    const coarseNames = readNameList(join(dir, 'coarse_label_names.txt'), 20);
    const classes = { fine: 100, coarse: 20 };
    const splits: Dataset['splits'] = {};
    const coarse: Partial<Record<SplitName, Int32Array>> = {};
    for (const split of ['train', 'test'] as const) {
      const read = readCifarFiles([join(dir, `${split}.bin`)], 2, classes);
      splits[split] = read.split;
      coarse[split] = read.coarse;
    }
    const stats = { mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762] };
    return {
      name: 'cifar100',
      classNames,
      shape: [3, 32, 32],
      splits,
      stats,
      augment: cifarAugment,
      source: dir,
      coarse: { classNames: coarseNames, labels: coarse },
    };
  },
};
