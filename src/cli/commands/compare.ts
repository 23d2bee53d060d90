import { analyse } from '../../analysis/analyse.js';
import { writeReport } from '../../report/write-report.js';
import type { CliCommand } from '../command.js';
import { analysisOptions, analysisRequest } from '../analysis-options.js';
import { path } from '../option-parsers.js';
import { compareJson, jsonHelp, printResult } from '../json-output.js';

/** `tgr compare BASE_RUN TG_RUN`: every analysis of the paper on two runs, written as analysis.json + report/index.html. */
export const compare: CliCommand = {
  name: 'compare',
  summary: 'compare a baseline and a text-guided run: analysis.json and report/index.html (default in TG_RUN)',
  configure: (cmd) =>
    analysisOptions(
      cmd
        .argument('<baseRun>', 'run folder of the baseline (linear head)', path())
        .argument('<tgRun>', 'run folder of the text-guided model', path())
        .option('--random <run>', 'text-guided run with a randomly initialised projection (Table 3)', path())
        .option('--template <run>', 'text-guided run initialised from "a photo of a {class}" (Table 3)', path())
        .option('--json', jsonHelp),
    ),
  async run([baseline, textGuided], opts) {
    const ablations = {
      ...(typeof opts.random === 'string' ? { random: opts.random } : {}),
      ...(typeof opts.template === 'string' ? { template: opts.template } : {}),
    };
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
