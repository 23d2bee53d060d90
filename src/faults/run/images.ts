import { check } from '../../core/errors.js';
import type { Dataset, SplitName } from '../../data/dataset.js';
import { getSplit } from '../../data/dataset.js';
import { createLoader } from '../../data/loader.js';
import { describeFit, imageFitter, type FitSpec } from '../../data/transform-fit.js';
import { remapLabels, type LabelMapRecord } from '../../data/label-map.js';

/**
 * The images a campaign evaluates, addressed by dataset index: labels, and NCHW float32 pixels (normalised as the
 * model expects) for any subset. The data module's datasets and plain arrays (tests, benches) both become one.
 */
export interface ImageSet {
  /** Dataset name and split, recorded in golden.json and tied into plans. */
  name: string;
  split: string;
  /** [C, H, W] of every image. */
  shape: readonly [number, number, number];
  /** Images in the split; valid indices are 0 … size−1. */
  size: number;
  /** Class index per image. */
  labels: ArrayLike<number>;
  /** Pixels of the given images, back to back in the order given. */
  pixels(indices: readonly number[]): Promise<Float32Array>;
  /** How the images were fitted to the model's input, when they were (describeFit's line). */
  fit?: string;
  /** How dataset labels were mapped onto the model's class indices, when they were (`labels` are mapped already). */
  labelMap?: LabelMapRecord;
  /** Frees what reading needs (a decode worker for image folders). */
  close?(): Promise<void>;
}

/**
 * An ImageSet over a split of a data-module dataset: evaluation transform and the dataset's normalisation, or, with
 * `fit`, unnormalised [0,1] pixels fitted to the model's input (resize, centre crop, channels, its normalisation);
 * with `labelMap`, labels are the model's class indices.
 */
export function imageSetFromDataset(ds: Dataset, split: SplitName, fit?: FitSpec, labelMap?: LabelMapRecord): ImageSet {
  const s = getSplit(ds, split);
  const loader = createLoader(ds, split, {
    batchSize: 128,
    shuffle: false,
    augment: false,
    ...(fit ? { normalize: 'none' as const } : {}),
  });
  const base = {
    name: ds.name,
    split,
    size: s.size,
    labels: labelMap ? remapLabels(s.labels, ds.classNames, labelMap) : s.labels,
    ...(labelMap ? { labelMap } : {}),
    close: () => loader.close(),
  };
  const raw = async (indices: readonly number[]) => (await loader.batch(indices, 'faults')).x;
  if (!fit) return { ...base, shape: ds.shape, pixels: raw };
  const fitOne = imageFitter(ds.shape, fit);
  const [sc, sh, sw] = ds.shape;
  const inPer = sc * sh * sw;
  const outPer = fit.shape[0] * fit.shape[1] * fit.shape[2];
  return {
    ...base,
    shape: fit.shape,
    fit: describeFit(ds.shape, fit),
    async pixels(indices) {
      const x = await raw(indices);
      const out = new Float32Array(indices.length * outPer);
      for (let k = 0; k < indices.length; k++) fitOne(x.subarray(k * inPer, (k + 1) * inPer), out, k * outPer);
      return out;
    },
  };
}

/** An ImageSet over images already in memory ([n, C, H, W] float32, row-major). */
export function imageSetFromArrays(opts: {
  images: Float32Array;
  labels: ArrayLike<number>;
  shape: readonly [number, number, number];
  name?: string;
  split?: string;
}): ImageSet {
  const [c, h, w] = opts.shape;
  const per = c * h * w;
  const size = opts.labels.length;
  check(
    opts.images.length === size * per,
    'bad_data',
    () =>
      `images: ${opts.images.length} values for ${size} labels of shape [${opts.shape.join(',')}]; expected ${size * per}`,
  );
  return {
    name: opts.name ?? 'arrays',
    split: opts.split ?? 'test',
    shape: opts.shape,
    size,
    labels: opts.labels,
    async pixels(indices) {
      const out = new Float32Array(indices.length * per);
      indices.forEach((i, k) => out.set(opts.images.subarray(i * per, (i + 1) * per), k * per));
      return out;
    },
  };
}
