/**
 * tgr as a library: the public surface, one export per stage (docs/API.md). Everything else under src/ is internal
 * and may change without notice; the CLI is built on these same functions.
 */

// Errors and randomness every stage takes.
export { TgrError } from './core/errors.js';
export { Rng } from './core/rng.js';

// ONNX files.
export { loadModel, saveModel } from './onnx/proto-io.js';
export type { Model } from './onnx/types.js';

// Build a model.
export { backbones, buildModel, type BuildOptions } from './models/registry.js';
export type { ModelSpec } from './models/spec.js';

// Data.
export { datasets, openDataset } from './data/registry.js';
export type { ChannelStats, Dataset, ImageShape, SplitName } from './data/dataset.js';
export { imageFitter, normalizePresets, parseNormalize, type FitSpec } from './data/transform-fit.js';
export { labelMap, readClassList, type LabelMapRecord } from './data/label-map.js';

// Describe and embed classes.
export { describe, descriptionSources } from './text/descriptions/registry.js';
export { createEncoder, encoders } from './text/encoders/registry.js';
export {
  classEmbeddings,
  loadClassEmbeddings,
  type ClassEmbeddings,
  type ClassEmbeddingsRequest,
} from './text/class-embeddings.js';

// Train.
export { train, type TrainOptions, type TrainResult } from './train/train.js';

// Plan and run a fault campaign.
export { imageSetFromArrays, imageSetFromDataset, type ImageSet } from './faults/run/images.js';
export { loadClassifier, type Classifier } from './faults/model/classifier.js';
export { injectCampaign, prepareGolden, preparePlan } from './faults/campaign.js';
export type { CampaignOptions } from './faults/campaign-options.js';
export type { GoldenRun } from './run-folder/golden.js';
export type { CampaignSummary } from './run-folder/summary.js';

// The run folder's files: their names, and the JSON ones (meta, golden, plan, summary, analysis) read and written
// as tgr does.
export { runFolderFiles } from './run-folder/file-names.js';
export {
  readRunFile,
  writeRunFile,
  runFiles,
  runFileVersion,
  type RunFileKind,
  type RunFileValue,
} from './run-folder/run-file.js';

// Analyse and report.
export { analyse, type AnalyseRequest, type Analysis } from './analysis/analyse.js';
export { writeReport, readAnalysis, type ReportFiles } from './report/write-report.js';
