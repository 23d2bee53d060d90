/** The idx format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header of dims, then uint8 data. */
import { join } from 'node:path';
import { TgrError } from '../core/errors.js';
import type { AugmentPolicy, ChannelStats, Dataset, ImageShape, MemorySplit, SplitName } from './dataset.js';
import { checkLabels, checkSameShape } from './format-checks.js';
import { locateDataset, type DataLayout } from './locate.js';
import { firstExisting, readDataFile } from './read-file.js';
import type { DatasetSource, DownloadFile } from './source.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an idx file holding uint8 data (the only element type the MNIST family uses). */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  const bad = (what: string) => new TgrError('bad_file', `${file}: ${what}`, { file });
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0)
    throw bad('not an idx file (expected magic 00 00 08 NDIM); re-download it');
  if (bytes[2] !== 0x08)
    throw bad(`idx element type 0x${bytes[2]!.toString(16)} is not supported; expected 0x08 (uint8)`);
  const ndim = bytes[3]!;
  const header = 4 + 4 * ndim;
  if (ndim < 1 || ndim > 4 || bytes.length < header)
    throw bad(`idx header with ${ndim} dims is truncated or invalid (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const want = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - header;
  if (have !== want) {
    throw bad(
      `idx header says [${dims.join('×')}] = ${want} bytes of data; found ${have} — the file is ${have < want ? 'truncated' : 'too long'}; re-download it`,
    );
  }
  return { dims, data: bytes.subarray(header) };
}

/** Reads an images file and a labels file into one in-memory split and its image shape, checking they agree. */
export function readIdxSplit(
  imagesFile: string,
  labelsFile: string,
  numClasses: number,
): { split: MemorySplit; shape: ImageShape } {
  const images = parseIdx(readDataFile(imagesFile), imagesFile);
  const labels = parseIdx(readDataFile(labelsFile), labelsFile);
  if (images.dims.length !== 3)
    throw new TgrError('bad_file', `${imagesFile}: expected images of dims [N,H,W]; found [${images.dims.join(',')}]`);
  if (labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new TgrError(
      'bad_file',
      `${labelsFile}: expected ${images.dims[0]} labels to match ${imagesFile}; found dims [${labels.dims.join(',')}]`,
    );
  }
  checkLabels(labels.data, numClasses, labelsFile);
  const [n, h, w] = images.dims as [number, number, number];
  const split: MemorySplit = {
    kind: 'memory',
    size: n,
    pixels: images.data,
    labels: Int32Array.from(labels.data),
    source: imagesFile,
  };
  return { split, shape: [1, h, w] };
}

/** File names of a split: the canonical ones, raw or gzipped, with the dot variant some mirrors use. */
function splitFiles(prefix: string, what: 'images' | 'labels'): string[] {
  const n = what === 'images' ? 3 : 1;
  const bases = [`${prefix}-${what}-idx${n}-ubyte`, `${prefix}-${what}.idx${n}-ubyte`];
  return bases.flatMap((b) => [`${b}.gz`, b]);
}

const prefixes: Record<SplitName, string> = { train: 'train', test: 't10k' };

interface IdxDatasetSpec {
  name: string;
  summary: string;
  classNames: string[];
  stats: ChannelStats;
  augment: AugmentPolicy;
  systemDirs: string[];
  baseUrl: string;
  md5: Record<string, string>;
}

/** Builds the registry entry of an idx dataset. */
function idxSource(spec: IdxDatasetSpec): DatasetSource {
  const layout: DataLayout = { marker: splitFiles('t10k', 'labels'), subdirs: ['raw'], systemDirs: spec.systemDirs };
  const download: DownloadFile[] = Object.entries(spec.md5).map(([file, md5]) => ({ url: spec.baseUrl + file, md5 }));
  return {
    summary: spec.summary,
    download,
    async open(opts) {
      const dir = locateDataset(spec.name, layout, opts);
      const splits: Dataset['splits'] = {};
      let shape: ImageShape | undefined;
      for (const split of ['train', 'test'] as const) {
        const find = (what: 'images' | 'labels') => {
          const names = splitFiles(prefixes[split], what);
          const hit = firstExisting(dir, names);
          if (!hit)
            throw new TgrError(
              'bad_data',
              `${join(dir, names[0]!)}: file not found (also tried ${names.slice(1).join(', ')})`,
            );
          return hit;
        };
        const read = readIdxSplit(find('images'), find('labels'), spec.classNames.length);
        checkSameShape(shape, read.shape, read.split.source);
        shape = read.shape;
        splits[split] = read.split;
      }
      return {
        name: spec.name,
        classNames: spec.classNames,
        shape: shape!,
        splits,
        stats: spec.stats,
        augment: spec.augment,
        source: dir,
      };
    },
  };
}

/** Fashion-MNIST (Xiao et al. 2017), MIT; Debian's dataset-fashion-mnist installs it. */
export const fashionMnist = idxSource({
  name: 'fashion-mnist',
  summary: 'Fashion-MNIST: 28×28 grey clothing, 10 classes, 60,000 train + 10,000 test (idx)',
  classNames: [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ],
  // Computed over the 60,000 training images (test/data/fashion-mnist-debian.test.ts checks it).
  stats: { mean: [0.286], std: [0.353] },
  augment: { padCrop: 2, flip: true },
  systemDirs: ['/usr/share/datasets/fashion-mnist'],
  baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  md5: {
    'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
    't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
    't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
  },
});

/** MNIST digits; flipping is off because a mirrored digit is another glyph. */
export const mnist = idxSource({
  name: 'mnist',
  summary: 'MNIST: 28×28 grey digits, 10 classes, 60,000 train + 10,000 test (idx)',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  stats: { mean: [0.1307], std: [0.3081] },
  augment: { padCrop: 2, flip: false },
  systemDirs: [],
  // torchvision's mirror; the original yann.lecun.com host now often refuses downloads.
  baseUrl: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
  md5: {
    'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
    'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
    't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
    't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
  },
});
