/**
 * The options of a training run — the same for `tgr train` and for the reproduce pipeline calling `train()` — and
 * their check at the boundary: each bad value gives one line naming the flag, what it needs and what it got.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { TgrError, lookup } from '../core/errors.js';
import { backbones } from '../models/registry.js';
import { heads, type HeadKind } from '../models/heads.js';
import { datasetSource } from '../data/registry.js';
import { getRecipe, noDecayRules, type Recipe } from './recipes.js';
import type { StepperMode } from './stepper.js';

/** How a step uses several threads (see TrainOptions.parallel), each with what it does. */
export const parallelism = {
  ops: 'one session, default',
  data: 'one single-thread replica per thread on equal shares of the batch; BN per share',
} as const;
export type ParallelMode = keyof typeof parallelism;
/** The modes in table order. */
export const parallelModes = Object.keys(parallelism) as ParallelMode[];

export interface TrainOptions {
  /** A key of the model zoo's backbone table, e.g. 'resnet20'. */
  backbone: string;
  /** 'linear' (default) or 'text-guided'. */
  head?: string;
  /** A key of the dataset table, e.g. 'fashion-mnist'; `dataDir` points at its files. */
  dataset: string;
  dataDir?: string;
  /** A key of the recipe table (default 'torchvision'); the next three override its fields. */
  recipe?: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** Which parameters get no weight decay: a key of `noDecayRules` ('none', 'norms-biases'); overrides the recipe's. */
  skipDecay?: string;
  /** Seeds weights, shuffles and augmentation (default 0). */
  seed?: number;
  /** ORT intra-op threads (default: ORT's choice, all cores). */
  threads?: number;
  /** Let ORT's idle threads spin-wait (ORT's default; off here, as it halved throughput on a shared machine). */
  spin?: boolean;
  /**
   * How several threads share a step: 'data' runs one single-thread replica per thread on equal shares of the batch
   * (src/train/data-parallel.ts; BN normalises per share), 'ops' one session whose ops use all threads. Default
   * 'ops' (`--parallel`).
   */
  parallel?: ParallelMode;
  /** C×E matrix (.npy/.json/.safetensors/.pth) initialising the text-guided projection; random rows when absent. */
  classEmbeddings?: string;
  /** Names of that file's rows, when they are not the dataset's classes in order. */
  classNames?: string;
  /** E of the text-guided head (default: the class-embedding file's E, else 512). */
  embedDim?: number;
  /** Run folder: `out`, else runs/`run`, else runs/DATASET-BACKBONE-HEAD-sSEED. */
  run?: string;
  out?: string;
  /** Continue from the run folder's checkpoint. */
  resume?: boolean;
  /** Use only N training / test images, spread evenly over the split (quick runs, tests). */
  limitTrain?: number;
  limitTest?: number;
  /** No progress output. */
  quiet?: boolean;
  /** Where steps run (default 'worker'). */
  stepper?: StepperMode;
  /** Stops the run between two steps; the last checkpoint stays for --resume. */
  signal?: AbortSignal;
}

/** The options with defaults filled in and the recipe resolved. */
export interface ResolvedTrainOptions extends Omit<TrainOptions, 'head' | 'recipe'> {
  head: HeadKind;
  recipeName: string;
  recipe: Recipe;
  seed: number;
}

const posInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Checks every option once, before any data is read; the recipe's fields are overridden by explicit options. */
export function resolveTrainOptions(o: TrainOptions): ResolvedTrainOptions {
  const bad = (flag: string, want: string, got: unknown) =>
    new TgrError('bad_argument', `${flag}: expected ${want}; got ${JSON.stringify(got)}`, { flag });
  lookup(backbones, o.backbone, 'backbone (--backbone)');
  const head = o.head ?? 'linear';
  lookup(heads, head, 'head (--head)');
  datasetSource(o.dataset);
  const recipeName = o.recipe ?? 'torchvision';
  const base = getRecipe(recipeName);
  for (const [flag, v] of [
    ['--epochs', o.epochs],
    ['--batch-size', o.batchSize],
    ['--threads', o.threads],
    ['--embed-dim', o.embedDim],
    ['--limit-train', o.limitTrain],
    ['--limit-test', o.limitTest],
  ] as const) {
    if (v !== undefined && !posInt(v)) throw bad(flag, 'a positive integer', v);
  }
  if (o.parallel !== undefined && !parallelModes.includes(o.parallel))
    throw bad('--parallel', parallelModes.join(' or '), o.parallel);
  if (o.lr !== undefined && !(Number.isFinite(o.lr) && o.lr > 0)) throw bad('--lr', 'a positive number', o.lr);
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw bad('--seed', 'an integer', o.seed);
  if (o.classEmbeddings !== undefined && head !== 'text-guided') {
    throw new TgrError(
      'bad_argument',
      `--class-embeddings ${o.classEmbeddings}: only the text-guided head has a projection to initialise; add --head text-guided`,
    );
  }
  if (o.run !== undefined && o.out !== undefined)
    throw new TgrError('bad_argument', `--run ${o.run} and --out ${o.out}: pass one of them`);
  if (o.dataDir !== undefined) checkReadableDir(o.dataDir, o.dataset);
  const noDecay = o.skipDecay ?? base.noDecay;
  lookup(noDecayRules, noDecay, 'no-decay rule (--skip-decay)');
  const recipe: Recipe = {
    ...base,
    epochs: o.epochs ?? base.epochs,
    batchSize: o.batchSize ?? base.batchSize,
    lr: o.lr ?? base.lr,
    noDecay,
  };
  return { ...o, head: head as ResolvedTrainOptions['head'], recipeName, recipe, seed: o.seed ?? 0 };
}

function checkReadableDir(dir: string, dataset: string): void {
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    accessSync(dir, constants.R_OK | constants.X_OK);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new TgrError(
      'bad_data',
      `--data-dir ${dir}: not a readable folder (${why}); point it at the folder holding the ${dataset} files`,
      { dir },
    );
  }
}
