import { presets } from '../../pipeline/presets.js';
import { reproduce } from '../../pipeline/reproduce.js';
import { guardSettings, rangeDetectorSettings } from '../../pipeline/options.js';
import { datasets } from '../../data/registry.js';
import { backbones } from '../../models/registry.js';
import type { CliCommand } from '../command.js';
import { descriptionSources } from '../../text/descriptions/registry.js';
import { encoders } from '../../text/encoders/registry.js';
import { stratifications, stratifyChoices } from '../../faults/plan/strata.js';
import { formatFamilies, numberFormat, numberFormats } from '../../faults/formats/registry.js';
import { choicesHelp, specHelp } from '../registry-options.js';
import { sectionOption } from '../analysis-options.js';
import { count, file, folder, images, maxPerLayer, oneOf, outFolder, seed, spec, threads } from '../option-parsers.js';

/** `tgr reproduce`: the main job, end to end, resumable. */
export const reproduceCommand: CliCommand = {
  name: 'reproduce',
  summary: 'data → descriptions → embeddings → train baseline + text-guided → fault campaigns → analyses → HTML report',
  configure: (cmd) =>
    cmd
      .option(
        '--preset <name>',
        `what to run — ${Object.entries(presets)
          .map(([k, v]) => `${k}: ${v.summary}`)
          .join('; ')}`,
        oneOf(Object.keys(presets)),
        'quick',
      )
      .option('--dataset <name>', "dataset (overrides the preset's)", oneOf(Object.keys(datasets)))
      .option('--data-dir <dir>', 'where the dataset files are (default: found automatically)', folder())
      .option('--backbone <name>', "backbone (overrides the preset's)", oneOf(Object.keys(backbones)))
      .option('--epochs <n>', "training epochs (overrides the preset's)", count(100_000))
      .option('--per-layer <n>', "injections per layer (overrides the preset's)", count(maxPerLayer))
      .option('--limit-train <n>', 'train on N images spread evenly over the training split', images())
      .option('--limit-test <n>', 'evaluate and inject on N test images spread evenly over the split', images())
      .option(
        '--source <name>',
        `description source: ${Object.keys(descriptionSources).join(', ')} (overrides the preset's)`,
        oneOf(Object.keys(descriptionSources)),
      )
      .option('--descriptions <file>', 'CuPL-format JSON {"class": ["sentence", …]} descriptions (source cupl)', file())
      .option(
        '--encoder <name>',
        `text encoder of the descriptions: ${Object.keys(encoders).join(', ')} (overrides the preset's)`,
        oneOf(Object.keys(encoders)),
      )
      .option(
        '--class-embeddings <file>',
        "precomputed class embeddings (.pth/.npy/.safetensors/.json, e.g. the paper's CLIP features) instead of descriptions + encoder",
        file(),
      )
      .option('--class-names <file>', "names of the --class-embeddings file's rows, in order", file())
      .option(
        '--class-rows <list>',
        'the --class-embeddings row of each dataset class, in class order: row indices or row names, comma-separated',
        spec((v) => v),
      )
      .option(
        '--formats <list>',
        `number formats, comma-separated, e.g. fp32,fp16 (overrides the preset's): ${specHelp(numberFormats, formatFamilies)}`,
        spec((v) => v.split(',').map((f) => (numberFormat(f.trim()), f.trim()))),
      )
      .option(
        '--range-detector <when>',
        `GoldenEye's range detector: ${choicesHelp(rangeDetectorSettings)}`,
        oneOf(Object.keys(rangeDetectorSettings)),
      )
      .option('--guard <on|off>', `score guard: ${choicesHelp(guardSettings)}`, oneOf(Object.keys(guardSettings)))
      .option(
        '--stratify <how>',
        `site sampling (overrides the preset's): ${choicesHelp(stratifications)}`,
        oneOf(stratifyChoices),
      )
      .addOption(sectionOption('tau'))
      .addOption(sectionOption('cam-images'))
      .option('--seed <n>', "seed of training and campaigns (overrides the preset's)", seed())
      .option('--out <dir>', 'output folder (default runs/reproduce-PRESET)', outFolder())
      .option('--jobs <n>', 'models trained and injected at the same time (default: one per core)', count(64))
      .option('--threads <n>', 'ONNX Runtime threads of each stage (default: the cores shared among --jobs)', threads())
      .option('--cache-dir <dir>', 'text caches (default $TGR_CACHE or ~/.cache/tgr)', outFolder())
      .option('--quiet', 'no progress output'),
  async run(_args, o) {
    const r = await reproduce({
      preset: o.preset as string,
      dataset: o.dataset as string | undefined,
      dataDir: o.dataDir as string | undefined,
      backbone: o.backbone as string | undefined,
      epochs: o.epochs as number | undefined,
      perLayer: o.perLayer as number | undefined,
      seed: o.seed as number | undefined,
      limitTrain: o.limitTrain as number | undefined,
      limitTest: o.limitTest as number | undefined,
      camImages: o.camImages as number | undefined,
      source: o.source as string | undefined,
      descriptions: o.descriptions as string | undefined,
      encoder: o.encoder as string | undefined,
      classEmbeddings: o.classEmbeddings as string | undefined,
      classNames: o.classNames as string | undefined,
      classRows: o.classRows as string | undefined,
      formats: o.formats as string[] | undefined,
      rangeDetector: o.rangeDetector as string | undefined,
      guard: o.guard as string | undefined,
      stratify: o.stratify as string | undefined,
      tau: o.tau as number[] | undefined,
      out: o.out as string | undefined,
      threads: o.threads as number | undefined,
      jobs: o.jobs as number | undefined,
      cacheDir: o.cacheDir as string | undefined,
      quiet: o.quiet === true,
    });
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    console.log(`top-1: baseline ${pct(r.accuracy.baseline)}, text-guided ${pct(r.accuracy.textGuided)}`);
    console.log(`report: ${r.report} (${r.minutes.toFixed(1)} min)`);
  },
};
