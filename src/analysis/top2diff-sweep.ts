import { check } from '../core/errors.js';

/** Per-image golden results the sweep needs (a GoldenRun satisfies it). */
export interface GoldenImages {
  labels: readonly number[];
  preds: readonly number[];
  /** (p1 − p2)·100 per image. */
  top2diff: readonly number[];
}

/** One point of the sweep: δ and the accuracy that remains. */
export interface SweepPoint {
  delta: number;
  accuracy: number;
}

/** The paper's Fig. 4 range: δ = 0, 1, …, 40. */
export const defaultDeltas: readonly number[] = Array.from({ length: 41 }, (_, i) => i);

/**
 * Accuracy after excluding correct images whose Top2Diff is below δ (paper §7.4, Fig. 4). An excluded image counts
 * as not correct and the denominator stays all images, so the curve starts at the top-1 accuracy and only falls:
 * it measures how much of the accuracy rests on borderline decisions.
 */
export function top2diffSweep(g: GoldenImages, deltas: readonly number[] = defaultDeltas): SweepPoint[] {
  const n = g.labels.length;
  check(n > 0 && g.preds.length === n && g.top2diff.length === n, 'bad_argument',
    () => `Top2Diff sweep needs one label, prediction and Top2Diff per image; got ${n}, ${g.preds.length}, ${g.top2diff.length}`);
  // Sorting the correct images' margins once makes each δ a binary search instead of a pass over all images.
  const margins = g.top2diff.filter((_, i) => g.preds[i] === g.labels[i]).sort((a, b) => a - b);
  return deltas.map((delta) => {
    let lo = 0;
    let hi = margins.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (margins[mid]! < delta) lo = mid + 1;
      else hi = mid;
    }
    return { delta, accuracy: (margins.length - lo) / n };
  });
}

/** Mean Top2Diff over correctly classified images (Table 1's Top2Diff column); NaN when none is correct. */
export function meanCorrectTop2diff(g: GoldenImages): number {
  let sum = 0;
  let count = 0;
  g.top2diff.forEach((t, i) => {
    if (g.preds[i] === g.labels[i]) {
      sum += t;
      count++;
    }
  });
  return count ? sum / count : NaN;
}
