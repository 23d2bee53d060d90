import { checkDescriptions } from '../../text/descriptions/check.js';
import { readCuplFile } from '../../text/descriptions/cupl.js';
import { classEmbeddings, defaultCacheDir } from '../../text/class-embeddings.js';
import { parseClassNames } from '../../text/class-names.js';
import { encoders, type EncoderOptions } from '../../text/encoders/registry.js';
import { formatReport, writeClassEmbeddings } from '../../text/report.js';
import { reportPath } from '../../text/formats/matrix-file.js';
import type { CliCommand } from '../command.js';
import { file, oneOf, outFile } from '../option-parsers.js';
import { addRegistryOptions, optionsFromFlags } from '../registry-options.js';
import { addClassesOption, addSourceOptions, sourceOptionsFromFlags } from './describe.js';

/** `tgr embed`: descriptions → text encoder → the C×E class-embedding matrix (.npy) and a report. */
export const embed: CliCommand = {
  name: 'embed',
  summary: 'build the C×E class-embedding matrix (.npy + report) that initialises the text-guided head',
  configure: (cmd) =>
    addRegistryOptions(
      addSourceOptions(
        addClassesOption(cmd)
          .requiredOption(
            '--out <file.npy>',
            'where to write the matrix; the report goes beside it as <name>.report.json',
            outFile(),
          )
          .option(
            '--descriptions <file>',
            'use this descriptions.json (from tgr describe or CuPL) instead of --source',
            file(),
          )
          .option(
            '--encoder <name>',
            `text encoder — ${Object.values(encoders)
              .map((e) => `${e.name}: ${e.summary}`)
              .join('; ')}`,
            oneOf(Object.keys(encoders)),
            'clip',
          ),
      ),
      encoders,
    ),
  async run(_args, opts) {
    const classNames = parseClassNames(opts.classes as string);
    const file = opts.descriptions as string | undefined;
    const encoderOptions = optionsFromFlags<EncoderOptions>(encoders, opts);
    const e = await classEmbeddings({
      classNames,
      source: file ?? (opts.source as string),
      sourceOptions: sourceOptionsFromFlags(opts),
      ...(file ? { descriptions: checkDescriptions(readCuplFile(file), classNames, file).descriptions } : {}),
      encoder: opts.encoder as string,
      encoderOptions,
      cacheDir: (opts.cacheDir as string | undefined) ?? defaultCacheDir(),
      quiet: opts.quiet === true,
    });
    const out = opts.out as string;
    console.log(formatReport(writeClassEmbeddings(out, e)).trimEnd());
    console.log(`wrote ${out} and ${reportPath(out)}`);
  },
};
