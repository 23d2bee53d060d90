/**
 * Training recipes: every hyper-parameter of a run in one named entry, so the baseline and the text-guided model are
 * trained with the same one (the paper's point) and meta.json records which. Command-line flags override fields.
 */
import type { OptimizerSpec } from '../autodiff/training-graph-types.js';
import { lookup } from '../core/errors.js';
import type { ScheduleSpec } from './schedules.js';

/** Which parameters get no weight decay (torchvision's --norm-weight-decay 0 / --bias-weight-decay 0). */
export const noDecayRules: Record<string, (name: string, shape: number[]) => boolean> = {
  /** Decay everything, as torchvision's classic recipe does. */
  none: () => false,
  /** Rank ≤ 1 tensors: BN/LN scales and shifts, biases, the text-guided logit scale. */
  'norms-biases': (_name, shape) => shape.length <= 1,
};

export interface Recipe {
  summary: string;
  epochs: number;
  batchSize: number;
  /** Base learning rate at `batchSize`. */
  lr: number;
  optimizer: OptimizerSpec;
  labelSmoothing: number;
  schedule: ScheduleSpec;
  /** A key of `noDecayRules`. */
  noDecay: string;
  /** Apply the dataset's usual training augmentation (random crop with padding, flip where it keeps the class). */
  augment: boolean;
}

const sgd = (weightDecay: number, nesterov = false): OptimizerSpec => ({
  kind: 'sgd',
  momentum: 0.9,
  nesterov,
  weightDecay,
});

/** Every recipe by name. */
export const recipes: Record<string, Recipe> = {
  torchvision: {
    summary:
      "torchvision's classification reference, modern form: SGD 0.9, wd 5e-5 (none on norms/biases), label smoothing 0.1, cosine after 5 warm-up epochs",
    epochs: 90,
    batchSize: 128,
    lr: 0.1,
    optimizer: sgd(5e-5),
    labelSmoothing: 0.1,
    schedule: { name: 'cosine', warmupEpochs: 5, warmupStart: 0.01 },
    noDecay: 'norms-biases',
    augment: true,
  },
  'torchvision-v1': {
    summary:
      "torchvision's original ResNet recipe: SGD 0.9, lr 0.1 at batch 256, wd 1e-4 on everything, ÷10 every 30 epochs, 90 epochs",
    epochs: 90,
    batchSize: 256,
    lr: 0.1,
    optimizer: sgd(1e-4),
    labelSmoothing: 0,
    schedule: { name: 'step', stepEpochs: 30, gamma: 0.1 },
    noDecay: 'none',
    augment: true,
  },
  'fashion-quick': {
    summary:
      'Fashion-MNIST in ~10 epochs: SGD 0.9 Nesterov, lr 0.1 at batch 128, wd 1e-4 (none on norms/biases), label smoothing 0.1, cosine after 1 warm-up epoch',
    epochs: 10,
    batchSize: 128,
    lr: 0.1,
    optimizer: sgd(1e-4, true),
    labelSmoothing: 0.1,
    schedule: { name: 'cosine', warmupEpochs: 1, warmupStart: 0.01 },
    noDecay: 'norms-biases',
    augment: true,
  },
};

/** The recipe of that name; a miss lists the recipes. */
export function getRecipe(name: string): Recipe {
  return lookup(recipes, name, 'recipe');
}
