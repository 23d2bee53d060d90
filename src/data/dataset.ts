/**
 * The shape every dataset format loads into. In-memory formats (idx, CIFAR, STL-10, synthetic) hold all pixels as
 * one uint8 array; image folders hold file paths and decode lazily, so a folder larger than RAM still loads.
 */
import { TgrError } from '../core/errors.js';

export type SplitName = 'train' | 'test';
export const splitNames: readonly SplitName[] = ['train', 'test'];

/** Pixel layout of one image: [channels, height, width]. */
export type ImageShape = readonly [c: number, h: number, w: number];

/** Per-channel mean and standard deviation of pixel values scaled to [0, 1] (torchvision's Normalize). */
export interface ChannelStats {
  mean: number[];
  std: number[];
}

/** A training augmentation policy; each dataset carries the usual one for its kind of image. */
export interface AugmentPolicy {
  /** Zero-pad by this many pixels, then crop a random H×W window back out (CIFAR-style); 0 = off. */
  padCrop: number;
  /** Mirror left-right with probability 0.5 (off for digits, where it changes the class). */
  flip: boolean;
  /** torchvision's RandomResizedCrop for image folders: area fraction and aspect-ratio ranges. */
  resizedCrop?: { scale: [number, number]; ratio: [number, number] };
}

interface SplitBase {
  size: number;
  /** Class index per image, 0-based. */
  labels: Int32Array;
  /** File or folder the split came from, for messages. */
  source: string;
}

/** All images in memory: `size` images of C×H×W uint8 each, channel-major (NCHW), back to back. */
export interface MemorySplit extends SplitBase {
  kind: 'memory';
  pixels: Uint8Array;
}

/** Images decoded on demand from files; `resize` is the shorter side before the evaluation centre crop. */
export interface FileSplit extends SplitBase {
  kind: 'files';
  files: string[];
  resize: number;
}

export type Split = MemorySplit | FileSplit;

export interface Dataset {
  name: string;
  classNames: string[];
  /** Shape of every image the loader yields. */
  shape: ImageShape;
  splits: Partial<Record<SplitName, Split>>;
  /** Normalisation constants (known for named datasets, computed for synthetic, ImageNet's for folders). */
  stats: ChannelStats;
  /** The default training augmentation. */
  augment: AugmentPolicy;
  /** Where it was loaded from. */
  source: string;
  /** CIFAR-100's 20 superclasses: names and a label per image for each split. */
  coarse?: { classNames: string[]; labels: Partial<Record<SplitName, Int32Array>> };
}

/** Returns a split, or a TgrError naming the splits the dataset has. */
export function getSplit(ds: Dataset, name: SplitName): Split {
  const split = ds.splits[name];
  if (!split) {
    const have = Object.keys(ds.splits).join(', ') || 'none';
    throw new TgrError('bad_data', `${ds.name} (${ds.source}) has no '${name}' split; it has: ${have}`, {
      split: name,
    });
  }
  return split;
}

/** Number of images of each class in a split. */
export function classCounts(labels: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const l of labels) counts[l]!++;
  return counts;
}

/** Number of values in one image. */
export function imageSize(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}
