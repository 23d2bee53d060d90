import type { RatioEstimate } from '../stats/improvement.js';
import { compareRuns } from './compare.js';
import { readRun, type RunDir } from './run-dir.js';

/** The projection initialisations of paper Table 3, in its row order, each with how its run's projection began. */
export const initialisations = {
  random: 'with a randomly initialised projection',
  template: 'initialised from "a photo of a {class}"',
  descriptions: 'initialised from the class descriptions (the main text-guided run)',
} as const;
/** A projection initialisation of Table 3. */
export type InitKind = keyof typeof initialisations;
/** The initialisations in Table 3's row order. */
export const initKinds = Object.keys(initialisations) as InitKind[];

/** Run folders of text-guided models that differ only in how the projection was initialised. */
export type AblationRuns = Partial<Record<InitKind, string>>;

/** One row of Table 3: an initialisation and its improvement over the shared baseline. */
export interface AblationRow {
  init: InitKind;
  /** What the row's text came from, e.g. `template ("a photo of a …")` or `descriptions (wordnet)`. */
  label: string;
  run: string;
  accuracy: number;
  format: string | null;
  lastLayer: RatioEstimate | null;
  overall: RatioEstimate | null;
}

/** Table 3 as data. */
export interface AblationTable {
  baseline: string;
  rows: AblationRow[];
}

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
