import type { Command, Option } from 'commander';
import { invariant } from '../core/errors.js';
import type { OptionSpec } from '../core/option-spec.js';
import type { AnalyseRequest } from '../analysis/analyse.js';
import { reportSections } from '../report/sections.js';
import { outFolder } from './option-parsers.js';
import { addRegistryOptions, optionOf, optionsFromFlags } from './registry-options.js';

/** The report sections that declare options, as the registry-options table they are read through. */
const declaring = Object.fromEntries(
  reportSections.flatMap((s) => (s.options ? [[s.id, { name: s.id, options: s.options }]] : [])),
);

/** The options `tgr compare` and `tgr report` share: where to write, then each report section's own options. */
export function analysisOptions(cmd: Command): Command {
  return addRegistryOptions(
    cmd.option('--out <dir>', 'folder for analysis.json and report/ (default: see the command)', outFolder()),
    declaring,
  );
}

/**
 * The section option of `flag` without its default, for a command whose preset supplies the value (`tgr reproduce
 * --tau`); its help says the preset's value is overridden.
 */
export function sectionOption(flag: string): Option {
  const spec = reportSections.flatMap((s) => Object.values(s.options ?? {})).find((o) => o?.flag === flag);
  invariant(spec, `no report section declares --${flag}`);
  return optionOf({ ...spec, default: undefined, help: `${spec.help} (overrides the preset's)` } as OptionSpec);
}

/** The request fields the sections' options set: each section's values under its `into` field, or at the top. */
export function analysisRequest(opts: Record<string, unknown>): Omit<AnalyseRequest, 'baseline' | 'textGuided'> {
  const out: Record<string, unknown> = {};
  for (const s of reportSections) {
    if (!s.options) continue;
    const values = optionsFromFlags<Record<string, unknown>>({ [s.id]: declaring[s.id]! }, opts);
    if (s.into) out[s.into] = values;
    else Object.assign(out, values);
  }
  return out;
}
