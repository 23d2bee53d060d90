import { noDecayRules, recipes } from '../../train/recipes.js';
import { parallelism, parallelModes } from '../../train/options.js';
import { datasets } from '../../data/registry.js';
import { heads } from '../../models/heads.js';
import { backbones } from '../../models/registry.js';
import type { CliCommand } from '../command.js';
import { addRegistryOptions, choicesHelp } from '../registry-options.js';
import { count, file, folder, images, name, number, oneOf, outFolder, seed, threads } from '../option-parsers.js';

/** `tgr train`: trains a baseline or text-guided model into runs/NAME/ (model.onnx, meta.json, train.jsonl, …). */
export const train: CliCommand = {
  name: 'train',
  summary: 'train a baseline or text-guided classifier on ONNX Runtime into runs/NAME/',
  configure: (cmd) =>
    addRegistryOptions(
      cmd
        .requiredOption(
          '--backbone <name>',
          'backbone from the model zoo, e.g. resnet20, resnet18, vit-tiny',
          oneOf(Object.keys(backbones)),
        )
        .option(
          '--head <kind>',
          Object.values(heads)
            .map((h) => `${h.name}: ${h.summary}`)
            .join('; '),
          oneOf(Object.keys(heads)),
          'linear',
        ),
      heads,
    )
      .requiredOption(
        '--dataset <name>',
        'dataset, e.g. fashion-mnist, cifar10, synthetic',
        oneOf(Object.keys(datasets)),
      )
      .option('--data-dir <dir>', 'folder holding the dataset files (default: cache, then system folders)', folder())
      .option(
        '--recipe <name>',
        `training recipe: ${Object.keys(recipes).join(' | ')}`,
        oneOf(Object.keys(recipes)),
        'torchvision',
      )
      .option('--epochs <n>', "override the recipe's epochs", count(100_000))
      .option('--batch-size <n>', "override the recipe's batch size", count(65_536))
      .option('--lr <x>', "override the recipe's base learning rate", number(0, 100, true))
      // Not --no-decay: commander reads a --no- prefix as the negation of a boolean flag.
      .option(
        '--skip-decay <rule>',
        `parameters without weight decay, overriding the recipe: ${Object.keys(noDecayRules).join(' | ')}`,
        oneOf(Object.keys(noDecayRules)),
      )
      .option('--seed <n>', 'seed of weights, shuffles and augmentation', seed(), 0)
      .option('--threads <n>', 'ONNX Runtime intra-op threads (default: all cores)', threads())
      .option('--parallel <mode>', `how threads share a step: ${choicesHelp(parallelism)}`, oneOf(parallelModes))
      .option(
        '--spin',
        "let ONNX Runtime's idle threads spin-wait between steps (off: it halved throughput on a shared machine)",
      )
      .option(
        '--class-embeddings <file>',
        'C×E matrix (.npy, .json, .safetensors, .pth) initialising the text-guided projection',
        file(),
      )
      .option(
        '--class-names <file>',
        "names of the class-embedding file's rows, when not the dataset's classes in order",
        file(),
      )
      .option('--run <name>', 'run folder runs/NAME (default DATASET-BACKBONE-HEAD-sSEED)', name())
      .option('--out <dir>', 'run folder path, instead of runs/NAME', outFolder())
      .option('--resume', "continue from the run folder's last checkpoint")
      .option('--limit-train <n>', 'use N training images, spread evenly over the split', images())
      .option('--limit-test <n>', 'use N test images, spread evenly over the split', images())
      .option('--quiet', 'no progress output'),
  async run(_args, opts) {
    // Imported on use so `tgr --help` does not load ONNX Runtime.
    const { train: runTraining } = await import('../../train/train.js');
    const r = await runTraining(opts as unknown as Parameters<typeof runTraining>[0]);
    console.log(
      `${r.runDir}: top-1 ${(100 * r.accuracy).toFixed(2)}%, loss ${r.loss.toFixed(4)}, Top2Diff ${r.top2diff.toFixed(2)}, ${r.params} params, ${r.minutes.toFixed(1)} min`,
    );
  },
};
