/** Messages between the loader and its decode worker (plain data: they cross a thread boundary). */
import type { TgrErrorCode } from '../core/errors.js';
import type { ImageShape } from './dataset.js';
import type { DecodeTransform } from './image-decode.js';

/** Decode `files` into one normalised NCHW float32 batch. */
export interface DecodeJob {
  id: number;
  files: string[];
  shape: ImageShape;
  transform: DecodeTransform;
  /** Seeds image k's random crop and flip as Rng(`${seed}/${k}`), so results do not depend on decode order. */
  seed: number;
  /** Normalisation table from transform.ts's normalizeTable. */
  lut: Float32Array;
}

export type DecodeReply =
  { id: number; x: Float32Array } | { id: number; error: { code: TgrErrorCode | null; message: string } };
