/**
 * The files a training run leaves for the stages after it (DESIGN.md "Files a run leaves"): model.onnx — the eval
 * graph with the trained weights, which plain onnxruntime loads — and meta.json describing how it was made.
 */
import { join } from 'node:path';
import { saveModel } from '../onnx/proto-io.js';
import { writeRunFile } from '../run-folder/run-file.js';
import type { TrainMeta } from '../run-folder/meta.js';
import type { Model, TensorData } from '../onnx/types.js';
import { withWeights } from './weights.js';
import { runFolderFiles } from '../run-folder/file-names.js';

export type { TrainMeta } from '../run-folder/meta.js';

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
  saveModel(model, join(dir, runFolderFiles.model));
  writeRunFile('meta', join(dir, runFolderFiles.meta), meta);
  return { model };
}
