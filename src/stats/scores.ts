/**
 * What one row of class scores (logits) says about an image — prediction, cross-entropy against the label, Top2Diff —
 * as DESIGN.md defines them, in float64 with the max subtracted. One definition for the trainer's evaluation
 * (src/train/metrics.ts) and the golden and faulty runs (src/faults/), so their numbers agree.
 */
/** What one row of class scores says about an image: prediction, loss against its label, margin, finiteness. */
export interface RowScores {
  /** Index of the largest score (the first of ties); NaN scores never win; −1 when every score is NaN. */
  top1: number;
  /** Cross-entropy of softmax(scores) against the label, in float64; NaN when a score is not finite. */
  loss: number;
  /** (p₁ − p₂)·100 from the softmax; NaN when a score is not finite. */
  top2diff: number;
  finite: boolean;
}

/** Scores row `row` of a [rows, k] logits array against `label` (softmax and log-sum-exp in float64). */
export function scoreRow(logits: ArrayLike<number>, row: number, k: number, label: number): RowScores {
  const o = row * k;
  let top1 = -1;
  let finite = true;
  for (let j = 0; j < k; j++) {
    const z = logits[o + j]!;
    if (!Number.isFinite(z)) finite = false;
    if (!Number.isNaN(z) && (top1 < 0 || z > logits[o + top1]!)) top1 = j;
  }
  if (!finite) return { top1, loss: NaN, top2diff: NaN, finite };
  const max = logits[o + top1]!;
  let sum = 0;
  let second = -Infinity;
  for (let j = 0; j < k; j++) {
    const z = logits[o + j]!;
    sum += Math.exp(z - max);
    if (j !== top1 && z > second) second = z;
  }
  const p1 = 1 / sum;
  const p2 = k > 1 ? Math.exp(second - max) / sum : 0;
  return { top1, loss: max + Math.log(sum) - logits[o + label]!, top2diff: (p1 - p2) * 100, finite };
}
