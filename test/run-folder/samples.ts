import type { GoldenRun } from '../../src/run-folder/golden.js';
import type { TrainMeta } from '../../src/run-folder/meta.js';
import type { PlanFile } from '../../src/run-folder/plan.js';
import type { CampaignSummary, LayerStats } from '../../src/run-folder/summary.js';
import { fileURLToPath } from 'node:url';
import type { AnalysisFile } from '../../src/run-folder/analysis.js';
import { readRunFile } from '../../src/run-folder/run-file.js';

/** Small valid values of each run file, written by hand so the schemas are tested apart from the stages (analysis.json's excepted). */

export const golden: GoldenRun = {
  model: { path: 'runs/a/model.onnx', sha256: 'ab'.repeat(32), head: 'linear', backbone: 'resnet20' },
  dataset: { name: 'cifar10', split: 'test', labelMap: { how: 'class-list', classes: 2, map: { cat: 0, dog: 1 } } },
  indices: [0, 5, 9],
  labels: [1, 0, 1],
  preds: [1, 1, 1],
  losses: [0.25, 2.5, 0.125],
  top2diff: [50, -12.5, 75],
  accuracy: 2 / 3,
  layers: [
    { name: 'conv1', tensor: 'conv1_out', opType: 'Conv', shape: [4, 2, 2], neurons: 16, maxAbs: 3.5, meanAbs: 0.75 },
    { name: 'fc', tensor: 'logits', opType: 'Gemm', shape: [2], neurons: 2, maxAbs: 9, meanAbs: 4 },
  ],
  lastLayers: ['fc'],
  numClasses: 2,
  scoreMaxAbs: [9, 8.5],
  activations: { file: 'golden-activations.bin', tensors: [{ name: 'logits', size: 2 }] },
};

export const meta: TrainMeta = {
  dataset: 'cifar10',
  classNames: ['cat', 'dog'],
  inputShape: [3, 32, 32],
  normalization: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
  backbone: 'resnet20',
  head: 'text-guided',
  embedDim: 512,
  encoder: 'clip',
  recipe: 'cifar',
  hyper: { lr: 0.1, epochs: 2 },
  seed: 1,
  epochs: 2,
  trainImages: 100,
  testImages: 20,
  accuracy: 0.5,
  loss: 1.25,
  top2diff: 10,
  params: 1234,
  macs: 5678,
  minutes: 0.5,
};

export const plan: PlanFile = {
  model: { path: 'runs/a/model.onnx', sha256: 'ab'.repeat(32) },
  dataset: { name: 'cifar10', split: 'test' },
  perLayer: 2,
  format: 'fp32',
  errorModel: 'bit-flip',
  target: 'neurons',
  seed: 0,
  rangeDetector: false,
  guard: 'none',
  stratify: 'none',
  lastLayers: ['fc'],
  leftOut: [{ name: 'attn', opType: 'MatMul', reason: 'batch on two axes' }],
  pool: 2,
  batchSize: 8,
  layers: [
    { name: 'conv1', tensor: 'conv1_out', elements: 16, maxAbs: 3.5, bound: 3.5 },
    { name: 'fc', tensor: 'logits', elements: 2, maxAbs: 9, bound: 9 },
  ],
  groups: [[0, 1]],
  units: [{ start: 0, end: 4, group: 0, images: [0, 9] }],
  sites: { layer: [0, 0, 1, 1], image: [0, 9, 0, 9], index: [3, 15, 0, 1], bit: [31, 0, 30, 22] },
};

const interval = (value: number) => ({ value, lower: 0, upper: 1, se: 0.125, method: 'clopper-pearson' });

const layerStats = (layer: string, neurons: number): LayerStats => ({
  layer,
  injections: 2,
  mismatches: 1,
  mismatchRate: 0.5,
  mismatchCi: 0.25,
  nonFinite: 0,
  nonFiniteRate: 0,
  finite: 2,
  deltaLoss: 1.5,
  deltaLossCi: 0.75,
  tau: [0.1, 1, 10],
  sdc: interval(0.5),
  due: interval(0),
  critical: [interval(0.5), interval(0.5), interval(0)],
  meanDeltaLoss: { value: 1.5, lower: 0.5, upper: 2.5, se: 0.5, method: 'normal' },
  strata: [{ bit: null, weight: 1, n: 2, sdc: 1, due: 0, critical: [1, 1, 0], finite: 2, mean: 1.5, m2: 0.5 }],
  neurons,
  n: 2,
});

export const summary: CampaignSummary = {
  model: 'runs/a/model.onnx',
  format: 'fp32',
  errorModel: 'bit-flip',
  target: 'neurons',
  rangeDetector: false,
  seed: 0,
  perLayer: 2,
  stratify: 'none',
  tau: [0.1, 1, 10],
  layers: [layerStats('conv1', 16), layerStats('fc', 2)],
  lastLayer: layerStats('fc', 2),
  overall: { ...layerStats('overall', 18), slots: 2 },
};

/**
 * A real analysis.json (a tiny `tgr reproduce` run, every list cut to its first entry and the PNGs to a stub): each
 * section to its leaves, ±∞ and NaN among them.
 */
export const analysis = readRunFile(
  'analysis',
  fileURLToPath(new URL('./analysis-sample.json', import.meta.url)),
) as AnalysisFile;
