import { Session } from '../../engine/session.js';
import { check } from '../../core/errors.js';
import { progress } from '../../core/progress.js';
import type { Classifier } from '../model/classifier.js';
import { withOutputs } from '../model/exposed.js';
import type { ImageSet } from './images.js';

export interface ChannelProfileOptions {
  classifier: Classifier;
  images: ImageSet;
  /** Dataset indices to profile: the golden pass's, so per-channel and per-layer ranges come from the same images. */
  indices: readonly number[];
  batchSize?: number;
  threads?: number;
  quiet?: boolean;
}

/**
 * Per layer tensor, the max |activation| of each output channel (axis 1 of the layer output, the first per-image
 * axis) over the images: the per-channel INT-k scales. ±Inf and NaN are skipped, as the golden pass's per-layer max
 * skips them, so one overflowing value does not set a channel's range.
 */
export async function channelMaxAbs(opts: ChannelProfileOptions): Promise<Map<string, number[]>> {
  const { classifier: clf, images, indices } = opts;
  check(indices.length > 0, 'bad_data', () => `${images.name}: no images to profile channels on`);
  const batchSize = opts.batchSize ?? 64;
  const maxima = clf.layers.map((l) => new Array<number>(l.shape[0] ?? 1).fill(0));
  const session = await Session.create(
    withOutputs(
      clf.model,
      clf.layers.map((l) => l.tensor),
    ),
    { threads: opts.threads, label: clf.file, spinning: false },
  );
  const bar = progress({ label: 'channel ranges', total: indices.length, unit: 'img', quiet: opts.quiet });
  try {
    for (let s = 0; s < indices.length; s += batchSize) {
      const batch = indices.slice(s, s + batchSize);
      const x = await images.pixels(batch);
      const out = await session.run({
        [clf.input.name]: { dtype: 'float32', dims: [batch.length, ...clf.input.shape], data: x },
      });
      clf.layers.forEach((l, i) => {
        const a = out[l.tensor]!.data as Float32Array;
        const m = maxima[i]!;
        const inner = l.neurons / m.length;
        for (let k = 0; k < a.length; k++) {
          const c = Math.floor(k / inner) % m.length;
          const v = Math.abs(a[k]!);
          if (v > m[c]! && v !== Infinity) m[c] = v;
        }
      });
      bar.tick(batch.length);
    }
  } finally {
    bar.done();
    await session.release();
  }
  return new Map(clf.layers.map((l, i) => [l.tensor, maxima[i]!]));
}
