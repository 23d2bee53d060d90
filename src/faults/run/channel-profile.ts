import { Session } from '../../engine/session.js';
import { check } from '../../core/errors.js';
import { progress } from '../../core/progress.js';
import type { Classifier } from '../model/classifier.js';
import { withOutputs } from '../model/exposed.js';
import { imagesPerRun, runBudget } from './golden.js';
import { withReductions } from './golden-reductions.js';
import { LayerValues } from './layer-values.js';
import type { ImageSet } from './images.js';

export interface ChannelProfileOptions {
  classifier: Classifier;
  images: ImageSet;
  /** Dataset indices to profile: the golden pass's, so per-channel and per-layer ranges come from the same images. */
  indices: readonly number[];
  /** Most images per ORT run (default 64); fewer when their layer outputs would pass `runBytes`. */
  batchSize?: number;
  /** Most bytes of layer outputs one ORT run makes, as the golden pass's `runBytes` (default its `runBudget`). */
  runBytes?: number;
  threads?: number;
  quiet?: boolean;
}

/**
 * Per layer tensor, the max |activation| of each output channel (axis 1 of the layer output, the first per-image
 * axis) over the images: the per-channel INT-k scales. ±Inf and NaN are skipped, as the golden pass's per-layer max
 * skips them, so one overflowing value does not set a channel's range. Computed as the golden pass computes its
 * per-layer max (docs/ARCHITECTURE.md, "Golden run"): each layer output's max and min per image and channel are
 * reduced inside the graph, and only an image whose reductions are not all finite is run again with its values.
 */
export async function channelMaxAbs(opts: ChannelProfileOptions): Promise<Map<string, number[]>> {
  const { classifier: clf, images, indices } = opts;
  check(indices.length > 0, 'bad_data', () => `${images.name}: no images to profile channels on`);
  const batchSize = opts.batchSize ?? 64;
  const maxima = clf.layers.map((l) => new Array<number>(l.shape[0] ?? 1).fill(0));
  // A vector's channels are its values, which the graph's reductions would reduce whole: it is small, so exposed.
  const inGraph = clf.layers.flatMap((l, i) => (l.shape.length > 1 ? [i] : []));
  const inJs = clf.layers.flatMap((l, i) => (l.shape.length > 1 ? [] : [i]));
  const tensorsOf = (layers: number[]) => layers.map((i) => clf.layers[i]!.tensor);
  // The sum of |x| only tells whether a value was ±Inf or NaN (a NaN the max and min may skip): float32 does.
  const { model, reductions } = withReductions(
    clf.model,
    inGraph.map((i) => clf.layers[i]!),
    { sumAbs: 'float32' },
  );
  const fetched = [...tensorsOf(inJs), ...reductions.flatMap((r) => [r.max, r.min, r.sumAbs])];
  const sessionOpts = { threads: opts.threads, label: clf.file, spinning: false };
  const session = await Session.create(withOutputs(model, tensorsOf(inJs)), sessionOpts);
  // Images whose reductions met ±Inf or NaN are profiled from their values.
  const values = new LayerValues(clf, tensorsOf(inGraph), sessionOpts);
  const perRun = imagesPerRun(clf, [], batchSize, opts.runBytes ?? runBudget);
  const bar = progress({ label: 'channel ranges', total: indices.length, unit: 'img', quiet: opts.quiet });
  try {
    for (let s = 0; s < indices.length; s += perRun) {
      const rows = indices.slice(s, s + perRun);
      // A run's pixels at a time, as the golden pass reads them: a whole batch's fresh buffer costs page faults.
      const x = await images.pixels(rows);
      const out = await session.run(
        { [clf.input.name]: { dtype: 'float32', dims: [rows.length, ...clf.input.shape], data: x } },
        fetched,
      );
      for (const i of inJs)
        addValues(maxima[i]!, clf.layers[i]!.neurons, out[clf.layers[i]!.tensor]!.data as Float32Array);
      const red = (t: string) => out[t]!.data as Float32Array;
      const bad = reductions.map((r, j) => {
        const i = inGraph[j]!;
        return [i, addReduced(maxima[i]!, red(r.max), red(r.min), red(r.sumAbs))] as const;
      });
      await values.redo(x, bad, (i, v) => addValues(maxima[i]!, clf.layers[i]!.neurons, v));
      bar.tick(rows.length);
    }
  } finally {
    bar.done();
    await session.release();
    await values.release();
  }
  return new Map(clf.layers.map((l, i) => [l.tensor, maxima[i]!]));
}

/** Raises each channel's max |x| in `m` by a layer's values (whole images of `neurons` each); ±Inf and NaN skipped. */
function addValues(m: number[], neurons: number, a: Float32Array): void {
  const inner = neurons / m.length;
  for (let k = 0; k < a.length; k++) {
    const c = Math.floor(k / inner) % m.length;
    const v = Math.abs(a[k]!);
    if (v > m[c]! && v !== Infinity) m[c] = v;
  }
}

/**
 * Raises each channel's max |x| in `m` by per image and channel max, min and Σ|x| (`m.length` per image). A channel
 * whose three are finite held only finite values, so max(max, −min) is its exact max |x|; the positions of images
 * with any other channel are returned, for the caller to add their values instead (adding a channel twice is
 * harmless: a max).
 */
function addReduced(m: number[], max: Float32Array, min: Float32Array, sumAbs: Float32Array): number[] {
  const redo: number[] = [];
  for (let k = 0; k * m.length < max.length; k++) {
    let finite = true;
    for (let c = 0; c < m.length; c++) {
      const hi = max[k * m.length + c]!;
      const lo = -min[k * m.length + c]!;
      if (!Number.isFinite(hi) || !Number.isFinite(lo) || !Number.isFinite(sumAbs[k * m.length + c]!)) {
        finite = false;
        continue;
      }
      const a = hi >= lo ? hi : lo;
      if (a > m[c]!) m[c] = a;
    }
    if (!finite) redo.push(k);
  }
  return redo;
}
