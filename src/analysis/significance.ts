import { Rng } from '../core/rng.js';
import type { GoldenRun } from '../run-folder/golden.js';
import { mcnemar, type McNemarResult } from './stats/mcnemar.js';
import { pairedBootstrapAccuracyDiff, type BootstrapInterval } from './stats/paired-bootstrap.js';
import { correctness, pairedTable, type PairedTable } from './stats/paired-table.js';
import { top2DiffCrossing, top2DiffSweep, type Top2DiffPoint } from './stats/top2diff-crossing.js';

/** Is the accuracy difference real? (issue 8 §1, paper §7.4). Baseline is "first", text-guided "second". */
export interface Significance {
  table: PairedTable;
  mcnemar: McNemarResult;
  /**
   * Paired bootstrap CI of accuracy(text-guided) − accuracy(baseline): negative means the text-guided model is behind.
   */
  bootstrap: BootstrapInterval & { seed: number };
  /** Accuracy after excluding correct images with Top2Diff below δ, δ = 0..40 (Fig. 4): first = baseline. */
  sweep: Top2DiffPoint[];
  /** The δ where the text-guided curve meets the baseline's (paper: δ ≈ 15 on ImageNet ResNet-50); null if never. */
  crossing: number | null;
}

/** Bootstrap settings: the resample count and the seed of its Rng. */
export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
}

/** McNemar, paired bootstrap, Top2Diff sweep and crossing from two golden runs over the same images. */
export function significance(baseline: GoldenRun, textGuided: GoldenRun, opts: BootstrapOptions = {}): Significance {
  const b = correctness(baseline.preds, baseline.labels);
  const t = correctness(textGuided.preds, textGuided.labels);
  const table = pairedTable(b, t);
  const seed = opts.seed ?? 0;
  const sweep = top2DiffSweep(
    { top2diff: baseline.top2diff, correct: b },
    { top2diff: textGuided.top2diff, correct: t },
  );
  return {
    table,
    mcnemar: mcnemar(table),
    bootstrap: { ...pairedBootstrapAccuracyDiff(t, b, new Rng(seed), { resamples: opts.resamples ?? 2000 }), seed },
    sweep,
    crossing: top2DiffCrossing(sweep),
  };
}
