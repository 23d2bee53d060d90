/**
 * STL-10, binary version (Coates et al. 2011): X files of 3×96×96 uint8 images, each channel stored column-major
 * (MATLAB order), and y files of 1-based labels. The 100,000 unlabelled images are not loaded.
 */
import { join } from 'node:path';
import { TgrError } from '../core/errors.js';
import type { Dataset, MemorySplit } from './dataset.js';
import { checkLabels, checkRecordBytes } from './format-checks.js';
import { locateDataset } from './locate.js';
import { readDataFile, readNameList } from './read-file.js';
import type { DatasetSource } from './source.js';

const side = 96;
const plane = side * side;

/** Reads an X/y pair into a split, transposing each channel from column-major to row-major (CHW). */
export function readStl10Split(xFile: string, yFile: string, numClasses: number): MemorySplit {
  const x = readDataFile(xFile);
  const y = readDataFile(yFile);
  const size = checkRecordBytes(x.length, 3 * plane, xFile);
  if (y.length !== size) {
    throw new TgrError(
      'bad_file',
      `${yFile}: expected ${size} labels (one byte per image of ${xFile}); found ${y.length} bytes`,
      { file: yFile },
    );
  }
  checkLabels(
    Int32Array.from(y, (l) => l - 1),
    numClasses,
    yFile,
    1,
  );
  const pixels = new Uint8Array(x.length);
  for (let p = 0; p < size * 3; p++) {
    const base = p * plane;
    for (let col = 0; col < side; col++) {
      const from = base + col * side;
      for (let row = 0; row < side; row++) pixels[base + row * side + col] = x[from + row]!;
    }
  }
  return { kind: 'memory', size, pixels, labels: Int32Array.from(y, (l) => l - 1), source: xFile };
}

/** STL-10 labelled splits: 5,000 train + 8,000 test at 96×96. */
export const stl10: DatasetSource = {
  summary: 'STL-10: 96×96 colour, 10 classes, 5,000 train + 8,000 test (binary version; unlabelled set not loaded)',
  download: [
    {
      url: 'http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz',
      md5: '91f7769df0f17e558f3565bffb0c7dfb',
      unpack: true,
    },
  ],
  async open(opts) {
    const dir = locateDataset('stl10', { marker: ['test_y.bin'], subdirs: ['stl10_binary'], systemDirs: [] }, opts);
    const classNames = readNameList(join(dir, 'class_names.txt'), 10);
    const splits: Dataset['splits'] = {
      train: readStl10Split(join(dir, 'train_X.bin'), join(dir, 'train_y.bin'), 10),
      test: readStl10Split(join(dir, 'test_X.bin'), join(dir, 'test_y.bin'), 10),
    };
    // Per-channel stats of the 5,000 labelled training images.
    const stats = { mean: [0.4467, 0.4398, 0.4066], std: [0.2603, 0.2566, 0.2713] };
    return {
      name: 'stl10',
      classNames,
      shape: [3, side, side],
      splits,
      stats,
      augment: { padCrop: 12, flip: true },
      source: dir,
    };
  },
};
