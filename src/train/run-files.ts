/**
 * The files a training run leaves for the stages after it (DESIGN.md "Files a run leaves"): model.onnx — the eval
 * graph with the trained weights, which plain onnxruntime loads — and meta.json describing how it was made.
 */
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/atomic-write.js';
import { saveModel } from '../onnx/proto-io.js';
import type { HeadKind } from '../models/heads.js';
import type { Model, TensorData } from '../onnx/types.js';
import { withWeights } from './weights.js';

export const MODEL_FILE = 'model.onnx';
export const META_FILE = 'meta.json';

/** meta.json of a run. Field names match what src/analysis/run-dir.ts reads (dataset, backbone, head, encoder, …). */
export interface TrainMeta {
  dataset: string;
  classNames: string[];
  /** One image [C, H, W] and the per-channel normalisation the model expects (applied before `input`). */
  inputShape: [number, number, number];
  normalization: { mean: number[]; std: number[] };
  backbone: string;
  head: HeadKind;
  embedDim?: number;
  /** Where the text-guided projection's initial rows came from: `file:PATH`, an encoder id, or `random`. */
  encoder?: string;
  /** Description source and sha256 of the descriptions in class order, when descriptions were encoded. */
  descriptions?: string;
  descriptionsHash?: string;
  /** sha256 of the --class-embeddings file. */
  classEmbeddingsSha256?: string;
  recipe: string;
  /** The hyper-parameters actually used (the recipe with command-line overrides applied). */
  hyper: Record<string, unknown>;
  seed: number;
  epochs: number;
  trainImages: number;
  testImages: number;
  /** Final top-1 on the test images, in [0, 1], with mean loss and mean Top2Diff over correct images. */
  accuracy: number;
  loss: number;
  top2diff: number;
  /** Parameter count and multiply-accumulates per image (src/models/count.ts). */
  params: number;
  macs: number;
  /** Wall minutes of the whole run: a resumed run adds the earlier segments' time up to the checkpoint it continued. */
  minutes: number;
  /** Data-parallel replicas the steps ran on (BN statistics per share; src/train/data-parallel.ts); absent: one session. */
  replicas?: number;
}

/** Writes model.onnx (eval graph + trained weights + `meta` keys as model metadata) and meta.json, each atomically. */
export function writeRunFiles(
  dir: string,
  evalModel: Model,
  weights: Record<string, TensorData>,
  meta: TrainMeta,
): { model: Model } {
  const trained = withWeights(evalModel, weights);
  const model: Model = {
    ...trained,
    metadata: {
      ...trained.metadata,
      'tgr.dataset': meta.dataset,
      'tgr.class_names': JSON.stringify(meta.classNames),
      'tgr.accuracy': String(meta.accuracy),
    },
  };
  saveModel(model, join(dir, MODEL_FILE));
  writeJsonAtomic(join(dir, META_FILE), meta);
  return { model };
}
