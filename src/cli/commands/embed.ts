import { checkDescriptions } from '../../text/descriptions/check.js';
import { readCuplFile } from '../../text/descriptions/cupl.js';
import { classEmbeddings, defaultCacheDir } from '../../text/class-embeddings.js';
import { parseClassNames } from '../../text/class-names.js';
import { encoders, type EncoderOptions } from '../../text/encoders/registry.js';
import { formatReport, reportPath, writeClassEmbeddings } from '../../text/report.js';
import type { CliCommand } from '../command.js';
import { count, file, oneOf, outFile, path, seed, text } from '../option-parsers.js';
import { addSourceOptions, sourceOptionsFromFlags } from './describe.js';

/** `tgr embed`: descriptions → text encoder → the C×E class-embedding matrix (.npy) and a report. */
export const embed: CliCommand = {
  name: 'embed',
  summary: 'build the C×E class-embedding matrix (.npy + report) that initialises the text-guided head',
  configure: (cmd) =>
    addSourceOptions(
      cmd
        .requiredOption(
          '--classes <file|list>',
          'class names: a JSON array, a text file (one per line) or "cat,dog,…"',
          text(),
        )
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
        )
        .option('--encoder-path <path>', 'clip: local model folder; glove: a wink-format vectors file', path())
        .option(
          '--allow-unknown-words',
          'glove: warn about class names with no word in its vocabulary instead of refusing them',
        )
        .option('--model-id <id>', 'clip: Hugging Face model id (default Xenova/clip-vit-base-patch32)', text())
        .option('--clip-dtype <dtype>', 'clip: weights variant (fp32, q8, fp16, …)', text(), 'fp32')
        .option('--offline', 'clip: never contact the hub')
        .option('--batch-size <n>', 'clip: sentences per run', count(65_536), 32)
        .option('--matrix <file>', 'precomputed: a C×E .npy, .json, .safetensors or .pth', file())
        .option('--class-names <file>', "precomputed: names of the matrix's rows, in order", file())
        .option('--tensor <name>', 'precomputed: tensor name inside a .safetensors/.pth holding several', text())
        .option('--seed <n>', 'random: seed', seed(), 0)
        .option('--dim <n>', 'random: row length E', count(65_536), 512),
    ),
  async run(_args, opts) {
    const classNames = parseClassNames(opts.classes as string);
    const file = opts.descriptions as string | undefined;
    const encoderOptions: EncoderOptions = {
      encoderPath: opts.encoderPath as string | undefined,
      modelId: opts.modelId as string | undefined,
      dtype: opts.clipDtype as string,
      offline: opts.offline === true,
      allowUnknownWords: opts.allowUnknownWords === true,
      batchSize: opts.batchSize as number,
      file: opts.matrix as string | undefined,
      classNamesFile: opts.classNames as string | undefined,
      tensor: opts.tensor as string | undefined,
      seed: opts.seed as number,
      dim: opts.dim as number,
    };
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
