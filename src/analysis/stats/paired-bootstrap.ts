import { check } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { defaultConfidence } from '../../stats/confidence.js';
import type { BootstrapInterval } from '../../run-folder/analysis.js';

export type { BootstrapInterval } from '../../run-folder/analysis.js';

/**
 * Percentile bootstrap over images: each resample draws n images with replacement and keeps their pairing, so the
 * correlation between the two models' errors on the same image is respected (an unpaired bootstrap would overstate
 * the spread). Bounds are the order statistics ⌊R·α/2⌋ and ⌈R·(1 − α/2)⌉ − 1 of the sorted resampled differences.
 * Deterministic for a given Rng seed.
 */
export function pairedBootstrapAccuracyDiff(
  first: ArrayLike<boolean>,
  second: ArrayLike<boolean>,
  rng: Rng,
  opts: { resamples?: number; confidence?: number } = {},
): BootstrapInterval {
  const n = first.length;
  const resamples = opts.resamples ?? 10_000;
  const confidence = opts.confidence ?? defaultConfidence;
  check(
    n > 0 && second.length === n,
    'bad_argument',
    () => `paired bootstrap needs the same non-empty set of images for both models; got ${n} and ${second.length}`,
  );
  check(
    Number.isInteger(resamples) && resamples >= 1,
    'bad_argument',
    () => `resamples must be a whole number ≥ 1; got ${resamples}`,
  );
  // Only the per-image difference matters: +1 first alone right, −1 second alone right, 0 otherwise.
  const d = new Int8Array(n);
  let observed = 0;
  for (let i = 0; i < n; i++) observed += d[i] = Number(Boolean(first[i])) - Number(Boolean(second[i]));
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[rng.int(n)]!;
    diffs[r] = s / n;
  }
  diffs.sort();
  const alpha = 1 - confidence;
  return {
    difference: observed / n,
    lower: diffs[Math.floor((resamples * alpha) / 2)]!,
    upper: diffs[Math.max(0, Math.ceil(resamples * (1 - alpha / 2)) - 1)]!,
    confidence,
    resamples,
  };
}
