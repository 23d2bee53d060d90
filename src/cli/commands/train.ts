import { noDecayRules, recipes } from '../../train/recipes.js';
import { intOption, numberOption, type CliCommand } from '../command.js';

/** `tgr train`: trains a baseline or text-guided model and leaves runs/NAME/ (model.onnx, meta.json, train.jsonl, checkpoint). */
export const train: CliCommand = {
  name: 'train',
  summary: 'train a baseline or text-guided classifier on ONNX Runtime into runs/NAME/',
  configure: (cmd) =>
    cmd
      .requiredOption('--backbone <name>', 'backbone from the model zoo, e.g. resnet20, resnet18, vit-tiny')
      .option('--head <kind>', 'linear | text-guided', 'linear')
      .requiredOption('--dataset <name>', 'dataset, e.g. fashion-mnist, cifar10, synthetic')
      .option('--data-dir <dir>', 'folder holding the dataset files (default: cache, then system folders)')
      .option('--recipe <name>', `training recipe: ${Object.keys(recipes).join(' | ')}`, 'torchvision')
      .option('--epochs <n>', "override the recipe's epochs", intOption('--epochs'))
      .option('--batch-size <n>', "override the recipe's batch size", intOption('--batch-size'))
      .option('--lr <x>', "override the recipe's base learning rate", numberOption('--lr'))
      // Not --no-decay: commander reads a --no- prefix as the negation of a boolean flag.
      .option(
        '--skip-decay <rule>',
        `parameters without weight decay, overriding the recipe: ${Object.keys(noDecayRules).join(' | ')}`,
      )
      .option('--seed <n>', 'seed of weights, shuffles and augmentation', intOption('--seed'), 0)
      .option('--threads <n>', 'ONNX Runtime intra-op threads (default: all cores)', intOption('--threads'))
      .option(
        '--spin',
        "let ONNX Runtime's idle threads spin-wait between steps (off: it halved throughput on a shared machine)",
      )
      .option(
        '--class-embeddings <file>',
        'C×E matrix (.npy, .json, .safetensors, .pth) initialising the text-guided projection',
      )
      .option(
        '--class-names <file>',
        "names of the class-embedding file's rows, when not the dataset's classes in order",
      )
      .option(
        '--embed-dim <n>',
        "text-guided latent width E (default: the file's E, else 512)",
        intOption('--embed-dim'),
      )
      .option('--run <name>', 'run folder runs/NAME (default DATASET-BACKBONE-HEAD-sSEED)')
      .option('--out <dir>', 'run folder path, instead of runs/NAME')
      .option('--resume', "continue from the run folder's last checkpoint")
      .option('--limit-train <n>', 'use N training images, spread evenly over the split', intOption('--limit-train'))
      .option('--limit-test <n>', 'use N test images, spread evenly over the split', intOption('--limit-test'))
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
