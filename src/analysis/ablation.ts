import { compareRuns } from './compare.js';
import { readRun, type RunDir } from './run-dir.js';
import type { z } from 'zod';
import type { AblationRow, AblationTable, initKindSchema } from '../run-folder/analysis.js';

export type { AblationRow, AblationTable } from '../run-folder/analysis.js';

/**
 * The projection initialisations of paper Table 3, in its row order, each with how its run's projection began; the
 * keys are analysis.json's (its schema's `initKindSchema`), every one and no other.
 */
export const initialisations = {
  random: 'with a randomly initialised projection',
  template: 'initialised from "a photo of a {class}"',
  descriptions: 'initialised from the class descriptions (the main text-guided run)',
} as const satisfies Record<z.infer<typeof initKindSchema>, string>;
/** A projection initialisation of Table 3. */
export type InitKind = keyof typeof initialisations;
/** The initialisations in Table 3's row order. */
export const initKinds = Object.keys(initialisations) as InitKind[];

/** Run folders of text-guided models that differ only in how the projection was initialised. */
export type AblationRuns = Partial<Record<InitKind, string>>;

function label(init: InitKind, run: RunDir): string {
  if (init === 'template') return 'template ("a photo of a …")';
  if (init === 'random') return 'random';
  return typeof run.meta.descriptions === 'string' ? `descriptions (${run.meta.descriptions})` : 'descriptions';
}

/** Compares each initialisation's run with the same baseline, exactly as the main comparison does (Table 3). */
export function ablationTable(baseline: RunDir, runs: AblationRuns): AblationTable {
  const rows: AblationRow[] = [];
  for (const init of initKinds) {
    const dir = runs[init];
    if (!dir) continue;
    const run = readRun(dir);
    const c = compareRuns(baseline, run);
    rows.push({
      init,
      label: label(init, run),
      run: run.name,
      accuracy: c.textGuided.accuracy,
      format: c.row.format,
      lastLayer: c.row.lastLayer,
      overall: c.row.overall,
    });
  }
  return { baseline: baseline.name, rows };
}
