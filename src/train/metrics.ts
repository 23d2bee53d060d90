/**
 * Classification metrics from logits, as DESIGN.md defines them: top-1 accuracy, mean cross-entropy against the
 * label, and mean Top2Diff = (p₁ − p₂)·100 over the correctly classified images. Softmax is taken in float64 with the
 * max subtracted so large logits (text-guided heads scale by exp(s)) stay finite.
 */
import { invariant } from '../core/errors.js';

export interface EvalResult {
  images: number;
  /** Top-1 accuracy in [0, 1]. */
  accuracy: number;
  /** Mean cross-entropy (natural log). */
  loss: number;
  /** Mean (p₁ − p₂)·100 over correctly classified images; 0 when none is correct. */
  top2diff: number;
}

/** Accumulates metrics batch by batch. */
export class MetricSum {
  private images = 0;
  private correct = 0;
  private ce = 0;
  private t2d = 0;

  /** Adds a batch of logits [N, C] (row-major) with their labels. */
  add(logits: Float32Array, labels: ArrayLike<number | bigint>): void {
    const n = labels.length;
    invariant(n > 0 && logits.length % n === 0, `MetricSum.add: ${logits.length} logits for ${n} labels`);
    const c = logits.length / n;
    for (let i = 0; i < n; i++) {
      const row = logits.subarray(i * c, (i + 1) * c);
      const label = Number(labels[i]);
      let top = 0;
      for (let j = 1; j < c; j++) if (row[j]! > row[top]!) top = j;
      const max = row[top]!;
      let z = 0;
      let second = -Infinity;
      for (let j = 0; j < c; j++) {
        z += Math.exp(row[j]! - max);
        if (j !== top && row[j]! > second) second = row[j]!;
      }
      this.ce += Math.log(z) - (row[label]! - max);
      this.images++;
      if (top === label) {
        this.correct++;
        // p₁ = 1/z because the top logit is the max; p₂ = exp(l₂ − max)/z.
        this.t2d += (c > 1 ? (1 - Math.exp(second - max)) / z : 1) * 100;
      }
    }
  }

  /** The metrics so far. */
  result(): EvalResult {
    const n = Math.max(1, this.images);
    return {
      images: this.images,
      accuracy: this.correct / n,
      loss: this.ce / n,
      top2diff: this.correct ? this.t2d / this.correct : 0,
    };
  }
}
