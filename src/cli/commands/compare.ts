import { initialisations, initKinds } from '../../analysis/ablation.js';
import { analyse } from '../../analysis/analyse.js';
import { writeReport } from '../../report/write-report.js';
import type { CliCommand } from '../command.js';
import { analysisOptions, analysisRequest } from '../analysis-options.js';
import { path } from '../option-parsers.js';
import { compareJson, jsonHelp, printResult } from '../json-output.js';

/** The Table 3 runs taken by flag (`--random RUN`): every initialisation but the main text-guided run's own. */
const ablationFlags = initKinds.filter((k) => k !== 'descriptions');

/**
 * `tgr compare BASE_RUN TG_RUN`: every analysis of the paper on two runs, written as analysis.json + report/index.html.
 */
export const compare: CliCommand = {
  name: 'compare',
  summary: 'compare a baseline and a text-guided run: analysis.json and report/index.html (default in TG_RUN)',
  configure: (cmd) =>
    analysisOptions(
      ablationFlags
        .reduce(
          (c, k) => c.option(`--${k} <run>`, `text-guided run ${initialisations[k]} (Table 3)`, path()),
          cmd
            .argument('<baseRun>', 'run folder of the baseline (linear head)', path())
            .argument('<tgRun>', 'run folder of the text-guided model', path()),
        )
        .option('--json', jsonHelp),
    ),
  async run([baseline, textGuided], opts) {
    const ablations = Object.fromEntries(
      ablationFlags.flatMap((k) => (typeof opts[k] === 'string' ? [[k, opts[k] as string]] : [])),
    );
    const out = typeof opts.out === 'string' ? opts.out : textGuided!;
    await printResult(
      opts.json,
      async () => {
        const analysis = await analyse({
          baseline: baseline!,
          textGuided: textGuided!,
          ablations,
          ...analysisRequest(opts),
        });
        return { analysis, files: writeReport(analysis, out) };
      },
      {
        text: ({ analysis, files }) => `${analysis.verdict.sentence}\nwrote ${files.analysisJson} and ${files.html}`,
        json: ({ analysis, files }) => compareJson(analysis, out, files),
      },
    );
  },
};
