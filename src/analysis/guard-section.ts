import type { RunDir } from './run-dir.js';
import type { GuardRow } from '../run-folder/analysis.js';

export type { GuardRow } from '../run-folder/analysis.js';

/**
 * The guarded campaigns of both runs (summary.json `guard`), by campaign folder and then baseline before text-guided,
 * so a preset's `F-guard` folders (analytic on the text-guided head, profiled on the baseline's) sit side by side.
 */
export function guardSection(baseline: RunDir, textGuided: RunDir): GuardRow[] {
  const rows = (['baseline', 'textGuided'] as const).flatMap((model) =>
    (model === 'baseline' ? baseline : textGuided).campaigns.flatMap((c) =>
      c.summary?.guard ? [{ campaign: c.name, model, guard: c.summary.guard }] : [],
    ),
  );
  return rows.sort((a, b) => (a.campaign < b.campaign ? -1 : a.campaign > b.campaign ? 1 : 0));
}
