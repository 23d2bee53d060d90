import { presets } from '../../pipeline/presets.js';
import { reproduce } from '../../pipeline/reproduce.js';
import { intOption, type CliCommand } from '../command.js';

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
        'quick',
      )
      .option('--dataset <name>', "dataset (overrides the preset's)")
      .option('--data-dir <dir>', 'where the dataset files are (default: found automatically)')
      .option('--backbone <name>', "backbone (overrides the preset's)")
      .option('--epochs <n>', "training epochs (overrides the preset's)", intOption('--epochs'))
      .option('--per-layer <n>', "injections per layer (overrides the preset's)", intOption('--per-layer'))
      .option(
        '--limit-train <n>',
        'train on N images spread evenly over the training split',
        intOption('--limit-train'),
      )
      .option(
        '--limit-test <n>',
        'evaluate and inject on N test images spread evenly over the split',
        intOption('--limit-test'),
      )
      .option('--cam-images <n>', 'images shown with Ablation-CAM (0: none)', intOption('--cam-images'))
      .option('--seed <n>', "seed of training and campaigns (overrides the preset's)", intOption('--seed'))
      .option('--out <dir>', 'output folder (default runs/reproduce-PRESET)')
      .option('--threads <n>', 'ONNX Runtime threads (default: all cores)', intOption('--threads'))
      .option('--cache-dir <dir>', 'text caches (default $TGR_CACHE or ~/.cache/tgr)')
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
      out: o.out as string | undefined,
      threads: o.threads as number | undefined,
      cacheDir: o.cacheDir as string | undefined,
      quiet: o.quiet === true,
    });
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    console.log(`top-1: baseline ${pct(r.accuracy.baseline)}, text-guided ${pct(r.accuracy.textGuided)}`);
    console.log(`report: ${r.report} (${r.minutes.toFixed(1)} min)`);
  },
};
