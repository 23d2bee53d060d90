import { TgrError } from '../core/errors.js';
import type { AblationRuns, InitKind } from './ablation.js';
import { backboneOf, datasetOf, headOf, readRun, type RunDir } from './run-dir.js';

/** One comparison found among run folders: a baseline, the main text-guided run, and initialisation variants. */
export interface RunGroup {
  dataset: string;
  backbone: string;
  baseline: string;
  textGuided: string;
  ablations: AblationRuns;
}

/** How a text-guided run's projection was initialised, from meta.json (train writes `encoder` and `descriptions`). */
export function initKindOf(run: RunDir): InitKind {
  if (run.meta.encoder === 'random' || run.meta.descriptions === 'random') return 'random';
  if (run.meta.descriptions === 'template') return 'template';
  return 'descriptions';
}

/**
 * Sorts run folders into comparisons by dataset × backbone (one Table 1/2 row each). Each group needs exactly one
 * linear-head run; its text-guided runs are told apart by initialisation, the descriptions run being the main one.
 */
export function groupRuns(dirs: readonly string[]): RunGroup[] {
  const groups = new Map<string, { dataset: string; backbone: string; baselines: RunDir[]; textGuided: RunDir[] }>();
  for (const dir of dirs) {
    const run = readRun(dir);
    const key = `${datasetOf(run)}\u0000${backboneOf(run)}`;
    let g = groups.get(key);
    if (!g)
      groups.set(key, (g = { dataset: datasetOf(run), backbone: backboneOf(run), baselines: [], textGuided: [] }));
    (headOf(run) === 'linear' ? g.baselines : g.textGuided).push(run);
  }
  return [...groups.values()].map((g) => {
    const what = `${g.backbone} on ${g.dataset}`;
    if (g.baselines.length !== 1 || g.textGuided.length === 0) {
      throw new TgrError(
        'bad_argument',
        `${what}: found ${g.baselines.length} baseline (linear-head) run(s) and ${g.textGuided.length} text-guided run(s); pass exactly one baseline and at least one text-guided run per backbone × dataset`,
      );
    }
    const byKind = new Map<InitKind, RunDir>();
    for (const r of g.textGuided) {
      const kind = initKindOf(r);
      const other = byKind.get(kind);
      if (other)
        throw new TgrError(
          'bad_argument',
          `${what}: ${other.dir} and ${r.dir} are both '${kind}'-initialised text-guided runs; pass one of them`,
        );
      byKind.set(kind, r);
    }
    const main = byKind.get('descriptions') ?? g.textGuided[0]!;
    // Table 3 only when there is something to set side by side.
    const ablations: AblationRuns = byKind.size > 1 ? Object.fromEntries([...byKind].map(([k, r]) => [k, r.dir])) : {};
    return { dataset: g.dataset, backbone: g.backbone, baseline: g.baselines[0]!.dir, textGuided: main.dir, ablations };
  });
}
