import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyse } from '../../analysis/analyse.js';
import { groupRuns } from '../../analysis/group-runs.js';
import { readAnalysis, writeReport } from '../../report/write-report.js';
import type { CliCommand } from '../command.js';
import { analysisOptions, analysisRequest } from '../analysis-options.js';
import { path, variadic } from '../option-parsers.js';
import { runFolderFiles } from '../../run-folder/file-names.js';

/** The folder that holds all the given folders (runs/ for runs/a and runs/b). */
function commonParent(dirs: readonly string[]): string {
  const parts = dirs.map((d) => dirname(resolve(d)).split('/'));
  const common: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length && p[i] === parts[0]![i]); i++) common.push(parts[0]![i]!);
  return common.join('/') || '/';
}

/**
 * `tgr report RUN_DIR…`: sorts run folders into baseline vs text-guided comparisons per backbone × dataset (one
 * summary row each, Table 3 from differently initialised runs) and writes one report; given one folder holding an
 * analysis.json (one run alone cannot be compared), re-renders that report without analysing again.
 */
export const report: CliCommand = {
  name: 'report',
  summary: "one report over run folders (grouped by backbone × dataset), or re-render a folder's analysis.json",
  configure: (cmd) =>
    analysisOptions(
      cmd.argument(
        '<runs...>',
        'run folders (baseline and text-guided), or one folder with analysis.json',
        variadic(path()),
      ),
    ),
  async run(dirs, opts) {
    const only = dirs.length === 1 ? dirs[0]! : null;
    if (only && existsSync(join(only, runFolderFiles.analysis))) {
      const files = writeReport(
        readAnalysis(join(only, runFolderFiles.analysis)),
        typeof opts.out === 'string' ? opts.out : only,
      );
      console.log(`wrote ${files.html}`);
      return;
    }
    const shared = analysisRequest(opts);
    const analyses = [];
    for (const g of groupRuns(dirs))
      analyses.push(
        await analyse({ ...shared, baseline: g.baseline, textGuided: g.textGuided, ablations: g.ablations }),
      );
    const files = writeReport(analyses, typeof opts.out === 'string' ? opts.out : commonParent(dirs));
    for (const a of analyses) console.log(`${a.comparison.backbone} / ${a.comparison.dataset}: ${a.verdict.sentence}`);
    console.log(`wrote ${files.analysisJson} and ${files.html}`);
  },
};
