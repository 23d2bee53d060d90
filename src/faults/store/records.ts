/**
 * The files a campaign leaves, as types: what the runner writes and what analysis and the report read.
 * `golden.json` (GoldenRun) and `campaign/FORMAT/summary.json` (CampaignSummary) are defined by their schemas in
 * src/run-folder/ and re-exported here; `campaign/FORMAT/faults.jsonl` holds one InjectionRecord per line.
 */
export type { GoldenRun, LayerProfile } from '../../run-folder/golden.js';
export type { CampaignSummary, LayerStats } from '../../run-folder/summary.js';

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
  /**
   * In faults.jsonl a non-finite value is written as null, with its fp32 pattern in `faultyBits`; store.ts restores it.
   */
  faulty: number;
  /**
   * Non-finite `faulty` only: its binary32 pattern as injected (the format's pattern XOR the mask, widened on
   * integers), since a JS number quiets a signalling NaN. Absent in records of older tgr (then `faulty`'s own pattern
   * is written).
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
