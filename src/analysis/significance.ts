import { Rng } from '../core/rng.js';
import type { GoldenRun } from '../run-folder/golden.js';
import { mcnemar } from './stats/mcnemar.js';
import { pairedBootstrapAccuracyDiff } from './stats/paired-bootstrap.js';
import { correctness, pairedTable } from './stats/paired-table.js';
import { top2DiffCrossing, top2DiffSweep } from './stats/top2diff-crossing.js';
import type { Significance } from '../run-folder/analysis.js';

export type { Significance } from '../run-folder/analysis.js';

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
