/**
 * Classification metrics from logits, as DESIGN.md defines them: top-1 accuracy, mean cross-entropy against the
 * label, and mean Top2Diff = (p₁ − p₂)·100 over the correctly classified images. Each row is scored by the same
 * `scoreRow` as the fault runs (src/stats/scores.ts: float64, max subtracted, so exp(s)-scaled logits stay finite).
 */
import { invariant } from '../core/errors.js';
import { scoreRow } from '../stats/scores.js';

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
      const label = Number(labels[i]);
      const s = scoreRow(logits, i, c, label);
      this.ce += s.loss;
      this.images++;
      if (s.top1 === label) {
        this.correct++;
        this.t2d += s.top2diff;
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
