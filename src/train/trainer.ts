/**
 * The training loop: epochs of optimizer steps on the training graph, an evaluation on the eval graph after each,
 * a line of train.jsonl and a checkpoint per epoch (and one of the starting weights as epoch 0), and --resume from
 * that checkpoint. The batch source seeds every
 * random choice of epoch e from (seed, e) and ORT's CPU kernels are deterministic for a fixed thread count, so a
 * resumed run ends with the same weights, bit for bit, as one that never stopped.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainingGraph } from '../autodiff/training-graph-types.js';
import { TgrError, check } from '../core/errors.js';
import { progress } from '../core/progress.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { encodeModel } from '../onnx/proto-io.js';
import type { Model, TensorData } from '../onnx/types.js';
import type { BatchSource } from './batches.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { MetricSum, type EvalResult } from './metrics.js';
import { lrSchedule, type ScheduleSpec } from './schedules.js';
import type { Stepper } from './step-core.js';
import { createStepper, type StepperMode } from './stepper.js';
import { createDataParallelStepper, replicaInit } from './data-parallel.js';
import { checkEvalMatches, initialCarried } from './weights.js';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const LOG_FILE = 'train.jsonl';

export interface TrainerConfig {
  graph: TrainingGraph;
  /** The forward model the training graph was built from: where the starting weights come from. */
  forward: Model;
  /** Inference graph with the same initializer names (BN in eval form). */
  evalModel: Model;
  /** Training batches (shuffled, augmented, last partial batch dropped) and evaluation batches (in order). */
  train: BatchSource;
  test: BatchSource;
  epochs: number;
  /** The training batch size (the sources batch; this names it in messages and the checkpoint). */
  batchSize: number;
  lr: number;
  schedule: ScheduleSpec;
  seed: number;
  /** Folder for train.jsonl and the checkpoint. */
  outDir: string;
  /** What else must match for --resume that the graph and schedule do not show (dataset, augmentation…). */
  identity?: Record<string, unknown>;
  resume?: boolean;
  threads?: number;
  /**
   * Data-parallel replicas (data-parallel.ts): R > 1 runs R single-thread replicas on equal shares of each batch and
   * needs `graph` built with `gradOutputs` (and `threads: 1` gradient forms); 1 (default) runs one session.
   */
  replicas?: number;
  /** Let ORT's idle threads spin-wait between steps (default off; see step-core.ts). */
  spinning?: boolean;
  stepper?: StepperMode;
  quiet?: boolean;
  /** Stops the run between two steps (the last checkpoint stays). */
  signal?: AbortSignal;
  /** Called after each epoch's line is written. */
  onEpoch?: (row: EpochRow) => void;
  /**
   * When this segment of the run started (ms since 1970; default: now): checkpoints add its time to the earlier ones'.
   */
  startedAt?: number;
}

/** One line of train.jsonl. */
export interface EpochRow {
  epoch: number;
  /** Learning rate of the epoch's last step. */
  lr: number;
  /** Mean training loss (with label smoothing) and running top-1 over the epoch's batches. */
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  testLoss: number;
  top2diff: number;
  /** Training images per second (steps only) and wall seconds of the epoch, evaluation included. */
  imgPerSec: number;
  seconds: number;
}

export interface TrainerResult {
  /** Final values of every carried tensor (parameters, optimizer state, buffers). */
  weights: Record<string, TensorData>;
  rows: EpochRow[];
  final: EvalResult;
  /** Wall seconds the earlier segments spent, as the checkpoint resumed from says (0 for a fresh run). */
  priorSeconds: number;
}

/** Trains for cfg.epochs epochs (continuing from the checkpoint with cfg.resume) and returns the final weights. */
export async function runTrainer(cfg: TrainerConfig): Promise<TrainerResult> {
  checkEvalMatches(cfg.graph, cfg.evalModel);
  const itersPerEpoch = cfg.train.batchesPerEpoch;
  const replicas = cfg.replicas ?? 1;
  check(
    cfg.batchSize % replicas === 0,
    'bad_argument',
    () =>
      `--batch-size ${cfg.batchSize}: data-parallel training over ${replicas} replicas needs a multiple of ${replicas}; pick such a batch size or fewer --threads`,
  );
  check(
    itersPerEpoch > 0,
    'bad_argument',
    () => `--batch-size ${cfg.batchSize}: the training set has fewer images than one batch; lower --batch-size`,
  );
  const trainBytes = encodeModel(cfg.graph.model);
  const fingerprint = JSON.stringify({
    graph: createHash('sha256').update(trainBytes).digest('hex').slice(0, 16),
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    lr: cfg.lr,
    schedule: cfg.schedule,
    seed: cfg.seed,
    trainImages: cfg.train.size,
    testImages: cfg.test.size,
    ...cfg.identity,
    // A data-parallel run's BN sees shares of the batch, so its checkpoints are not a single session's.
    ...(replicas > 1 ? { replicas } : {}),
  });
  const ckPath = join(cfg.outDir, CHECKPOINT_FILE);
  const startedAt = cfg.startedAt ?? Date.now();
  let carried = initialCarried(cfg.graph, cfg.forward);
  let start = 0;
  let rows: EpochRow[] = [];
  let priorSeconds = 0;
  const checkpoint = (epoch: number) =>
    saveCheckpoint(ckPath, {
      epoch,
      iteration: epoch * itersPerEpoch,
      seed: cfg.seed,
      fingerprint,
      seconds: priorSeconds + (Date.now() - startedAt) / 1000,
      tensors: new Map(Object.entries(carried)),
    });
  if (cfg.resume) {
    const ck = loadCheckpoint(ckPath);
    checkSameRun(ckPath, ck.fingerprint, fingerprint);
    carried = Object.fromEntries(ck.tensors);
    start = ck.epoch;
    priorSeconds = ck.seconds ?? 0;
    // Lines past the checkpoint belong to an epoch that will be run again.
    rows = readLog(join(cfg.outDir, LOG_FILE)).slice(0, start);
  } else {
    // Epoch 0: the starting weights, so a run killed during epoch 1 resumes (restarting that epoch) like any other.
    checkpoint(0);
  }
  const stepper = await startStepper(cfg, trainBytes, carried, replicas);
  try {
    const lrAt = lrSchedule(cfg.schedule, cfg.lr, cfg.epochs, itersPerEpoch);
    for (let epoch = start + 1; epoch <= cfg.epochs; epoch++) {
      const t0 = Date.now();
      await stepper.beginEpoch(epoch);
      const fit = await trainEpoch(cfg, stepper, epoch, lrAt);
      const test = await evaluate(stepper, cfg.test, cfg.quiet);
      const row: EpochRow = {
        epoch,
        lr: fit.lr,
        trainLoss: fit.loss,
        trainAccuracy: fit.accuracy,
        testAccuracy: test.accuracy,
        testLoss: test.loss,
        top2diff: test.top2diff,
        imgPerSec: fit.imgPerSec,
        seconds: (Date.now() - t0) / 1000,
      };
      rows.push(row);
      carried = await stepper.carried();
      checkpoint(epoch);
      writeFileAtomic(join(cfg.outDir, LOG_FILE), rows.map((r) => JSON.stringify(r) + '\n').join(''));
      cfg.onEpoch?.(row);
    }
    const last = rows[rows.length - 1];
    const final = last
      ? { images: cfg.test.size, accuracy: last.testAccuracy, loss: last.testLoss, top2diff: last.top2diff }
      : await evaluate(stepper, cfg.test, true);
    return { weights: carried, rows, final, priorSeconds };
  } finally {
    await stepper.close();
  }
}

/** One session (in a worker, or inline) or, with replicas > 1, the data-parallel replicas. */
function startStepper(
  cfg: TrainerConfig,
  trainBytes: Uint8Array,
  carried: Record<string, TensorData>,
  replicas: number,
): Promise<Stepper> {
  const { graph } = cfg;
  if (replicas <= 1)
    return createStepper(
      {
        trainModel: trainBytes,
        evalModel: encodeModel(cfg.evalModel),
        feeds: graph.feeds,
        outputs: graph.outputs,
        carried,
        threads: cfg.threads,
        spinning: cfg.spinning,
        seed: cfg.seed,
      },
      cfg.stepper,
    );
  return createDataParallelStepper(
    replicaInit(graph, cfg.evalModel, carried, { seed: cfg.seed, spinning: cfg.spinning }),
    replicas,
    cfg.stepper,
  );
}

async function trainEpoch(cfg: TrainerConfig, stepper: Stepper, epoch: number, lrAt: (i: number) => number) {
  const iters = cfg.train.batchesPerEpoch;
  const bar = progress({ label: `epoch ${epoch}/${cfg.epochs}`, total: cfg.train.size, unit: 'img', quiet: cfg.quiet });
  const metrics = new MetricSum();
  const t0 = performance.now();
  let lossSum = 0;
  let steps = 0;
  let lr = 0;
  for await (const b of cfg.train.epoch(epoch)) {
    cfg.signal?.throwIfAborted();
    const iteration = (epoch - 1) * iters + steps;
    lr = lrAt(iteration);
    // While the worker runs the step, the source assembles the next batch on this thread.
    const r = await stepper.step({
      input: { dtype: 'float32', dims: b.dims, data: b.x },
      labels: int64(b.labels),
      lr,
      step: iteration + 1,
    });
    steps++;
    if (!Number.isFinite(r.loss)) {
      throw new TgrError(
        'bad_argument',
        `epoch ${epoch} step ${steps}: the training loss is ${r.loss} at lr ${lr.toPrecision(3)}; lower --lr or check the input normalisation`,
      );
    }
    lossSum += r.loss;
    metrics.add(r.logits, b.labels);
    bar.tick(b.labels.length, `loss ${(lossSum / steps).toFixed(4)} lr ${lr.toPrecision(3)}`);
  }
  const m = metrics.result();
  const loss = lossSum / Math.max(1, steps);
  bar.done(`loss ${loss.toFixed(4)} acc ${(100 * m.accuracy).toFixed(2)}%`);
  return { loss, accuracy: m.accuracy, lr, imgPerSec: m.images / Math.max(1e-9, (performance.now() - t0) / 1000) };
}

/** Top-1, loss and Top2Diff of the eval graph with the stepper's current weights over one pass of `source`. */
export async function evaluate(stepper: Stepper, source: BatchSource, quiet?: boolean): Promise<EvalResult> {
  const bar = progress({ label: 'eval', total: source.size, unit: 'img', quiet });
  const metrics = new MetricSum();
  for await (const b of source.epoch(0)) {
    metrics.add(await stepper.evalBatch({ dtype: 'float32', dims: b.dims, data: b.x }), b.labels);
    bar.tick(b.labels.length);
  }
  const r = metrics.result();
  bar.done(`top-1 ${(100 * r.accuracy).toFixed(2)}%`);
  return r;
}

const int64 = (labels: Int32Array): TensorData<'int64'> => ({
  dtype: 'int64',
  dims: [labels.length],
  data: BigInt64Array.from(labels, (v) => BigInt(v)),
});

function checkSameRun(path: string, saved: string, now: string): void {
  if (saved === now) return;
  const a = JSON.parse(saved || '{}') as Record<string, unknown>;
  const b = JSON.parse(now) as Record<string, unknown>;
  const diff = Object.keys(b).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  const what = diff.map((k) => `${k} ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`).join(', ');
  throw new TgrError(
    'bad_argument',
    `${path}: checkpoint is of a different run (${what}); resume with the same settings, or drop --resume to start afresh`,
  );
}

function readLog(path: string): EpochRow[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EpochRow);
}
