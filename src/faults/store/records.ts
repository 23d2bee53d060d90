import type { LayerMetrics } from '../metrics/metrics.js';

import type { GuardSummary } from '../metrics/guard-summary.js';
import type { LabelMapRecord } from '../../data/label-map.js';

/**
 * The files a campaign leaves, as types: what the runner writes and what analysis and the report read.
 * Files: `golden.json` (GoldenRun), `campaign/FORMAT/faults.jsonl` (one InjectionRecord per line),
 * `campaign/FORMAT/summary.json` (CampaignSummary).
 */

/** One layer that faults can land in: the output of a Conv, Gemm or MatMul node. */
export interface LayerProfile {
  /** Node name (e.g. `layer1.0.conv1`, `head.latent`). */
  name: string;
  /** The tensor the node outputs (where the fault lands). */
  tensor: string;
  opType: string;
  /** Per-image shape (batch dimension dropped). */
  shape: number[];
  /** Elements per image (the layer's neuron count). */
  neurons: number;
  /** Max |activation| over the profiled images (the range detector's bound and the int8 scale). */
  maxAbs: number;
  /** Mean |activation| over the profiled images. */
  meanAbs: number;
}

/** The fault-free run of a model over a dataset split. Per-image arrays are aligned with `indices`. */
export interface GoldenRun {
  /** `emulated`: the format every layer is held in (`tgr emulate`'s model metadata), absent for a plain model. */
  model: { path: string; sha256: string; head: string; backbone?: string; emulated?: string };
  /**
   * `fit`: how images were fitted to the model's input (describeFit's line), when they were; `labelMap`: how dataset
   * labels were mapped onto the model's class indices (--class-list, synset order), when they were.
   */
  dataset: { name: string; split: string; fit?: string; labelMap?: LabelMapRecord };
  /** Dataset indices of the evaluated images. */
  indices: number[];
  labels: number[];
  /** Top-1 prediction per image. */
  preds: number[];
  /** Cross-entropy against the label per image. */
  losses: number[];
  /** (p1 − p2)·100 from the softmax per image. */
  top2diff: number[];
  accuracy: number;
  /** Layers in graph order, with value ranges profiled on the same images. */
  layers: LayerProfile[];
  /** Node names forming the model's last layer (baseline: [final Linear]; text-guided: [latent, projection]). */
  lastLayers: string[];
  /** Softmax class count. */
  numClasses: number;
  /** Max |score| per class over the images (the profiled guard's bounds); absent in golden.json of older tgr. */
  scoreMaxAbs?: number[];
  /**
   * Small per-image tensors kept from this pass (the scores, last layers and their inputs), so campaigns on those
   * layers need no forward pass: `file` (next to golden.json) holds, tensor after tensor, float32 rows aligned with
   * `indices`, `size` values per image each.
   */
  activations?: { file: string; tensors: { name: string; size: number }[] };
}

/** One injection, one line of faults.jsonl. */
export interface InjectionRecord {
  /** Position in the plan (0-based, global across layers), so shards and resumes merge deterministically. */
  id: number;
  layer: string;
  /** Dataset index of the image. */
  image: number;
  /** Flat element index within the image's slice of the layer output (or weight index when targeting weights). */
  index: number;
  bit: number;
  bits?: number[];
  original: number;
  /** In faults.jsonl a non-finite value is written as null, with its fp32 pattern in `faultyBits`; store.ts restores it. */
  faulty: number;
  /**
   * Non-finite `faulty` only: its binary32 pattern as injected (the format's pattern XOR the mask, widened on integers),
   * since a JS number quiets a signalling NaN. Absent in records of older tgr (then `faulty`'s own pattern is written).
   */
  faultyBits?: number;
  goldenTop1: number;
  faultyTop1: number;
  goldenLoss: number;
  /** Cross-entropy of the faulty output; null when the output was non-finite. */
  faultyLoss: number | null;
  nonFinite: boolean;
  /** True when the score guard caught the output (a score NaN or beyond its bound): a DUE, like a non-finite one. */
  detected?: boolean;
  /** True when the runner proved the fault masked without running the suffix. */
  masked?: boolean;
}

/** Per-layer statistics as summary.json stores them: metrics.ts's LayerMetrics (tallies per stratum included). */
export interface LayerStats extends LayerMetrics {
  /** The layer's neuron count (for a combined unit, the sum). */
  neurons: number;
  /** Injections (= `injections`; the name summary.json has always had). */
  n: number;
}

/** What summary.json holds for one campaign. */
export interface CampaignSummary {
  model: string;
  format: string;
  errorModel: string;
  target: 'neurons' | 'weights';
  rangeDetector: boolean;
  seed: number;
  perLayer: number;
  /** 'bit' when the plan was bit-stratified (estimates are then the stratified ones); older summaries: 'none'. */
  stratify?: 'none' | 'bit';
  /** Critical-fault thresholds τ the tallies used (metrics.ts). */
  tau: number[];
  layers: LayerStats[];
  /** The last layer (for text-guided: latent + projection, neuron-weighted). */
  lastLayer: LayerStats;
  /** The score guard's proven ΔLoss bound and the ΔLoss measured under it (guarded plans only). */
  guard?: GuardSummary;
  /** Conv/Gemm/MatMul nodes no fault could land in, with the reason (plan.json's; absent when there are none). */
  leftOut?: { name: string; opType: string; reason: string }[];
  /** Mean over layer slots, the last layer counted once (metrics.ts overallMetrics). */
  overall: LayerStats & { slots: number };
}
