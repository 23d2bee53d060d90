import type { Command } from 'commander';
import { writeJsonAtomic } from '../../core/atomic-write.js';
import { defaultCacheDir } from '../../text/class-embeddings.js';
import { parseClassNames } from '../../text/class-names.js';
import { describe, descriptionSources, type SourceOptions } from '../../text/descriptions/registry.js';
import type { CliCommand } from '../command.js';
import { oneOf, outFile, outFolder, text } from '../option-parsers.js';
import { addRegistryOptions, optionsFromFlags } from '../registry-options.js';

/** Declares `--source` and every description source's own flags, from the sources table (shared with `tgr embed`). */
export function addSourceOptions(cmd: Command): Command {
  const sources = Object.values(descriptionSources)
    .map((s) => `${s.name}: ${s.summary}`)
    .join('; ');
  cmd.option(
    '--source <name>',
    `where descriptions come from — ${sources}`,
    oneOf(Object.keys(descriptionSources)),
    'wordnet',
  );
  return addRegistryOptions(cmd, descriptionSources)
    .option('--cache-dir <dir>', 'tgr cache root (default $TGR_CACHE or ~/.cache/tgr)', outFolder())
    .option('--quiet', 'no progress output');
}

/** The source options from parsed flags, each field as its source declares it. */
export function sourceOptionsFromFlags(o: Record<string, unknown>): SourceOptions {
  return optionsFromFlags<SourceOptions>(descriptionSources, o);
}

/** Declares `--classes` (shared with `tgr embed`). */
export function addClassesOption(cmd: Command): Command {
  return cmd.requiredOption(
    '--classes <file|list>',
    'class names: a JSON array, a text file (one per line) or "cat,dog,…"',
    text(),
  );
}

/** `tgr describe`: writes descriptions.json ({class: [sentence, …]}, CuPL's format) from a description source. */
export const describeCommand: CliCommand = {
  name: 'describe',
  summary: 'write descriptions.json {class: [sentences]} from an LLM, a CuPL file, WordNet or templates',
  configure: (cmd) =>
    addSourceOptions(
      addClassesOption(cmd).requiredOption('--out <file>', 'where to write descriptions.json', outFile()),
    ),
  async run(_args, opts) {
    const classNames = parseClassNames(opts.classes as string);
    const cacheDir = (opts.cacheDir as string | undefined) ?? defaultCacheDir();
    const d = await describe(opts.source as string, classNames, sourceOptionsFromFlags(opts), {
      cacheDir,
      quiet: opts.quiet === true,
    });
    writeJsonAtomic(opts.out as string, d);
    const total = Object.values(d).reduce((s, l) => s + l.length, 0);
    console.log(`${opts.out}: ${classNames.length} classes, ${total} descriptions (source ${opts.source})`);
  },
};
