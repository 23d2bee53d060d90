import type { Rng } from '../../core/rng.js';
import { check } from '../../core/errors.js';
import type { MeanInterval, SimilarityStats } from '../../run-folder/analysis.js';

export type { MeanInterval, SimilarityStats } from '../../run-folder/analysis.js';

/**
 * Pearson correlation of two maps of the same size; null when either map is constant (an empty map has no shape to
 * compare) or holds a non-finite value. Chosen over cosine because both maps are ≥ 0 after the ReLU, which pushes the
 * cosine of even unrelated maps towards 1; Pearson is 0 for unrelated maps, 1 for the same map at any scale.
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  check(a.length === b.length, 'bad_argument', () => `maps of ${a.length} and ${b.length} values cannot be compared`);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) ((ma += a[i]!), (mb += b[i]!));
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    ((ab += x * y), (aa += x * x), (bb += y * y));
  }
  if (!(aa > 0 && bb > 0) || !Number.isFinite(aa * bb)) return null;
  // sqrt(s·s) is exactly s in IEEE arithmetic, so two identical maps give exactly 1.
  return Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb)));
}

/**
 * Percentile bootstrap over images, paired: each resample draws n image indices with replacement and takes both
 * models' means and their difference on the same draw, so what the two models share per image (the image itself, the
 * same flips) cancels in the difference. Bounds are the order statistics ⌊R·α/2⌋ and ⌈R·(1 − α/2)⌉ − 1, as the
 * accuracy bootstrap's. Images where either similarity is undefined (null) are left out of all three.
 */
export function similarityStats(
  baseline: readonly (number | null)[],
  textGuided: readonly (number | null)[],
  rng: Rng,
  opts: { resamples: number; confidence: number },
): SimilarityStats | null {
  check(
    baseline.length === textGuided.length,
    'bad_argument',
    () =>
      `paired similarities need one value per image for both models; got ${baseline.length} and ${textGuided.length}`,
  );
  check(
    Number.isInteger(opts.resamples) && opts.resamples >= 1,
    'bad_argument',
    () => `resamples must be a whole number ≥ 1; got ${opts.resamples}`,
  );
  const pairs = baseline.flatMap((b, i) => {
    const t = textGuided[i];
    return b === null || t === null || t === undefined ? [] : [[b, t] as const];
  });
  const n = pairs.length;
  if (n === 0) return null;
  const R = opts.resamples;
  const draws = [new Float64Array(R), new Float64Array(R), new Float64Array(R)] as const;
  for (let r = 0; r < R; r++) {
    let sb = 0;
    let st = 0;
    for (let i = 0; i < n; i++) {
      const [b, t] = pairs[rng.int(n)]!;
      ((sb += b), (st += t));
    }
    ((draws[0][r] = sb / n), (draws[1][r] = st / n), (draws[2][r] = (st - sb) / n));
  }
  const alpha = 1 - opts.confidence;
  const interval = (mean: number, d: Float64Array): MeanInterval => {
    d.sort();
    return {
      mean,
      lower: d[Math.floor((R * alpha) / 2)]!,
      upper: d[Math.max(0, Math.ceil(R * (1 - alpha / 2)) - 1)]!,
      n,
    };
  };
  const mb = pairs.reduce((s, p) => s + p[0], 0) / n;
  const mt = pairs.reduce((s, p) => s + p[1], 0) / n;
  return {
    baseline: interval(mb, draws[0]),
    textGuided: interval(mt, draws[1]),
    difference: interval(pairs.reduce((s, p) => s + (p[1] - p[0]), 0) / n, draws[2]),
  };
}
