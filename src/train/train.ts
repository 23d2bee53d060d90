/**
 * `train(opts)`: one training run from options to a run folder — open the dataset, build the model in train and eval
 * form, generate the training graph, run the trainer, write model.onnx and meta.json. `tgr train` and the reproduce
 * pipeline both call this; neither holds logic of its own.
 */
import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTrainingGraph } from '../autodiff/training-graph.js';
import { TgrError, lookup } from '../core/errors.js';
import { openDataset } from '../data/registry.js';
import { countModel } from '../models/count.js';
import { buildModel } from '../models/registry.js';
import type { ModelSpec } from '../models/spec.js';
import { loadClassEmbeddings, type ClassEmbeddings } from '../text/class-embeddings.js';
import type { EmbeddingReport } from '../text/report.js';
import { reportPath } from '../text/formats/matrix-file.js';
import { datasetSources } from './data-sources.js';
import { resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions } from './options.js';
import { noDecayRules } from './recipes.js';
import { writeRunFiles, type TrainMeta } from './run-files.js';
import { runFolderFiles } from '../run-folder/file-names.js';
import { CHECKPOINT_FILE, runTrainer, type EpochRow } from './trainer.js';

export type { TrainOptions } from './options.js';

export interface TrainResult {
  runDir: string;
  /** Final test top-1 in [0, 1], mean test loss, mean Top2Diff over correct images. */
  accuracy: number;
  loss: number;
  top2diff: number;
  epochs: EpochRow[];
  /** Trainable parameters. */
  params: number;
  minutes: number;
  meta: TrainMeta;
}

/** Trains one model as `opts` says and leaves runs/NAME/ (model.onnx, meta.json, train.jsonl, checkpoint). */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const t0 = Date.now();
  const o = resolveTrainOptions(opts);
  const runDir = o.out ?? join('runs', o.run ?? `${o.dataset}-${o.backbone}-${o.head}-s${o.seed}`);
  checkRunDir(runDir, o.resume);
  const ds = await openDataset(o.dataset, { dataDir: o.dataDir, seed: o.seed });
  const emb = o.classEmbeddings !== undefined ? await loadEmbeddings(o, ds.classNames) : undefined;
  const spec: ModelSpec = {
    backbone: o.backbone,
    head: o.head,
    inputShape: [...ds.shape],
    numClasses: ds.classNames.length,
    seed: o.seed,
    ...(o.head === 'text-guided' ? { embedDim: o.embedDim ?? emb?.dim ?? 512 } : {}),
    ...(emb ? { classEmbeddings: emb.matrix } : {}),
  };
  const forward = buildModel({ ...spec, mode: 'train' });
  const evalModel = buildModel({ ...spec, mode: 'eval' });
  const r = o.recipe;
  const threads = o.threads ?? availableParallelism();
  const replicas = o.parallel === 'data' ? threads : 1;
  const graph = buildTrainingGraph(
    forward,
    {
      labelSmoothing: r.labelSmoothing,
      optimizer: r.optimizer,
      noDecay: lookup(noDecayRules, r.noDecay, 'no-decay rule (--skip-decay)'),
    },
    // A replica runs one thread, and the gradient forms are picked for the threads they will run on.
    { threads: replicas > 1 ? 1 : threads, gradOutputs: replicas > 1 },
  );
  const data = datasetSources(ds, {
    batchSize: r.batchSize,
    seed: o.seed,
    augment: r.augment,
    limitTrain: o.limitTrain,
    limitTest: o.limitTest,
  });
  let result;
  try {
    result = await runTrainer({
      graph,
      forward,
      evalModel,
      train: data.train,
      test: data.test,
      epochs: r.epochs,
      batchSize: r.batchSize,
      lr: r.lr,
      schedule: r.schedule,
      seed: o.seed,
      outDir: runDir,
      identity: { dataset: o.dataset, augment: r.augment },
      resume: o.resume,
      threads: o.threads,
      replicas,
      spinning: o.spin,
      stepper: o.stepper,
      quiet: o.quiet,
      signal: o.signal,
      startedAt: t0,
    });
  } finally {
    await data.close();
  }
  const { params, macs } = countModel(evalModel);
  // Earlier segments of a resumed run count too (up to the checkpoint this one continued from).
  const minutes = (result.priorSeconds * 1000 + Date.now() - t0) / 60000;
  const meta: TrainMeta = {
    dataset: o.dataset,
    classNames: ds.classNames,
    inputShape: [...ds.shape],
    normalization: ds.stats,
    backbone: o.backbone,
    head: o.head,
    ...(o.head === 'text-guided' ? { embedDim: spec.embedDim!, ...provenance(o.classEmbeddings, emb) } : {}),
    recipe: o.recipeName,
    hyper: { ...r },
    seed: o.seed,
    epochs: r.epochs,
    trainImages: data.train.size,
    testImages: data.test.size,
    accuracy: result.final.accuracy,
    loss: result.final.loss,
    top2diff: result.final.top2diff,
    params,
    macs,
    minutes,
    ...(replicas > 1 ? { replicas } : {}),
  };
  writeRunFiles(runDir, evalModel, result.weights, meta);
  return {
    runDir,
    accuracy: meta.accuracy,
    loss: meta.loss,
    top2diff: meta.top2diff,
    epochs: result.rows,
    params,
    minutes,
    meta,
  };
}

/**
 * A fresh run must not overwrite an earlier one's files; a resumed one needs its checkpoint (checked by the trainer).
 */
function checkRunDir(dir: string, resume: boolean | undefined): void {
  if (resume) return;
  const taken = [CHECKPOINT_FILE, runFolderFiles.model, runFolderFiles.meta].find((f) => existsSync(join(dir, f)));
  if (taken)
    throw new TgrError(
      'bad_argument',
      `${join(dir, taken)} exists: ${dir} holds a run already; pass --resume to continue it, or --run NAME for a new one`,
    );
}

/** The class-embedding file's rows for the dataset's classes, checked against --embed-dim. */
async function loadEmbeddings(o: ResolvedTrainOptions, classNames: string[]): Promise<ClassEmbeddings> {
  const file = o.classEmbeddings!;
  const e = await loadClassEmbeddings(file, classNames, { classNamesFile: o.classNames });
  if (o.embedDim !== undefined && e.dim !== o.embedDim) {
    throw new TgrError(
      'shape_mismatch',
      `${file}: class embeddings have shape [${e.classes}, ${e.dim}]; expected [${classNames.length}, ${o.embedDim}] (classes × --embed-dim); pass --embed-dim ${e.dim} or a matrix with ${o.embedDim} columns`,
      { expected: [classNames.length, o.embedDim], actual: [e.classes, e.dim] },
    );
  }
  return e;
}

/**
 * Where the projection's rows came from, for meta.json: the provenance `tgr embed` wrote beside the matrix (encoder,
 * description source and hash) when present, else the file itself; 'random' when no file was given.
 */
function provenance(
  file: string | undefined,
  emb: ClassEmbeddings | undefined,
): Pick<TrainMeta, 'encoder' | 'descriptions' | 'descriptionsHash' | 'classEmbeddingsSha256'> {
  if (file === undefined || !emb) return { encoder: 'random', descriptions: 'random' };
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  const side = reportPath(file);
  if (!existsSync(side)) return { encoder: emb.meta.encoder, classEmbeddingsSha256: sha };
  const r = JSON.parse(readFileSync(side, 'utf8')) as Partial<EmbeddingReport>;
  return {
    encoder: r.encoder ?? emb.meta.encoder,
    descriptions: r.source,
    descriptionsHash: r.descriptionsHash,
    classEmbeddingsSha256: sha,
  };
}
