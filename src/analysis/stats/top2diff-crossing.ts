import { check } from '../../core/errors.js';
import type { Top2DiffPoint } from '../../run-folder/analysis.js';

export type { Top2DiffPoint } from '../../run-folder/analysis.js';

/** One model's golden run on the test set: per image, Top2Diff = (p₁ − p₂)·100 and whether top-1 was right. */
export interface Top2DiffRun {
  top2diff: ArrayLike<number>;
  correct: ArrayLike<boolean>;
}

/**
 * Paper §7.4, made exact: accuracy(δ) = #{images correct AND Top2Diff ≥ δ} / #images. Correct images below the
 * threshold count as failures ("borderline correct" is not trusted) and the denominator stays the whole test set, so
 * accuracy(0) is the plain accuracy and accuracy(δ) never rises with δ.
 */
export function accuracyAt(run: Top2DiffRun, delta: number): number {
  return sortedCorrectDiffs(run).countAtLeast(delta) / run.correct.length;
}

/** Both models' accuracy(δ) over a grid of thresholds (default 0, 1, …, 40 as in the paper's sweep). */
export function top2DiffSweep(
  first: Top2DiffRun,
  second: Top2DiffRun,
  deltas: readonly number[] = range(0, 40),
): Top2DiffPoint[] {
  const a = sortedCorrectDiffs(first);
  const b = sortedCorrectDiffs(second);
  return deltas.map((delta) => ({
    delta,
    first: a.countAtLeast(delta) / first.correct.length,
    second: b.countAtLeast(delta) / second.correct.length,
  }));
}

/**
 * The δ at which the second model (text-guided) catches up with the first (baseline): the first grid point where
 * second − first ≥ 0, refined by linear interpolation of the difference between it and the grid point before. It is
 * the first grid point itself when the second model is never behind, and null when it never catches up on the grid.
 */
export function top2DiffCrossing(sweep: readonly Top2DiffPoint[]): number | null {
  for (let i = 0; i < sweep.length; i++) {
    const p = sweep[i]!;
    const gap = p.second - p.first;
    if (gap < 0) continue;
    if (i === 0) return p.delta;
    const q = sweep[i - 1]!;
    const before = q.second - q.first; // < 0
    return q.delta + ((p.delta - q.delta) * -before) / (gap - before);
  }
  return null;
}

function sortedCorrectDiffs(run: Top2DiffRun): { countAtLeast(delta: number): number } {
  check(
    run.top2diff.length === run.correct.length && run.correct.length > 0,
    'bad_argument',
    () =>
      `Top2Diff sweep needs one Top2Diff and one correctness flag per image; got ${run.top2diff.length} and ${run.correct.length}`,
  );
  const correct: number[] = [];
  for (let i = 0; i < run.correct.length; i++) if (run.correct[i]) correct.push(run.top2diff[i]!);
  const xs = Float64Array.from(correct).sort();
  return {
    countAtLeast(delta) {
      let lo = 0;
      let hi = xs.length; // first index with xs[i] ≥ delta, by binary search
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (xs[mid]! < delta) lo = mid + 1;
        else hi = mid;
      }
      return xs.length - lo;
    },
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
