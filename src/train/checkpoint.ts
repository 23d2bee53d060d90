/**
 * Training checkpoints: every carried tensor (parameters, optimizer state, BN buffers) plus where the run stands.
 * The file is safetensors (src/core/safetensors.ts) so PyTorch's `safetensors` reads it too; it holds float32 only,
 * which is all a training graph carries. The loader needs no state of its own: each epoch's shuffle and augmentation
 * are seeded from (seed, epoch), so the epoch number is the loader state.
 */
import { existsSync, readFileSync } from 'node:fs';
import { TgrError, invariant } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { TensorData } from '../onnx/types.js';
import { encodeSafetensors, parseSafetensors, readFloats } from '../core/safetensors.js';

export const CHECKPOINT_FORMAT = 'tgr-checkpoint/1';

export interface Checkpoint {
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken (the next step feeds iteration + 1). */
  iteration: number;
  seed: number;
  /** Hash of everything that must match to continue (graph, data, recipe); see trainer. */
  fingerprint: string;
  /**
   * Wall seconds the run had spent when this was written, over all its segments (0 in files from before this field).
   */
  seconds?: number;
  tensors: Map<string, TensorData>;
}

/** Writes a checkpoint atomically. */
export function saveCheckpoint(path: string, ck: Checkpoint): void {
  const meta = {
    format: CHECKPOINT_FORMAT,
    epoch: String(ck.epoch),
    iteration: String(ck.iteration),
    seed: String(ck.seed),
    fingerprint: ck.fingerprint,
    seconds: String(ck.seconds ?? 0),
  };
  for (const [name, t] of ck.tensors) invariant(t.dtype === 'float32', `checkpoint tensor ${name} is ${t.dtype}`);
  writeFileAtomic(path, encodeSafetensors(ck.tensors as Map<string, TensorData<'float32'>>, meta));
}

/** Reads a checkpoint; a missing, truncated or foreign file gives a one-line error naming it. */
export function loadCheckpoint(path: string): Checkpoint {
  const bad = (what: string) => new TgrError('bad_file', `${path}: ${what}`, { file: path });
  if (!existsSync(path)) throw bad('no checkpoint to resume from; run without --resume to start afresh');
  const f = parseSafetensors(readFileSync(path));
  if ('problem' in f) {
    throw bad(
      f.problem === 'too-short'
        ? 'too short for a checkpoint; delete it and run without --resume'
        : 'header is not readable JSON; the file is corrupt — delete it and run without --resume',
    );
  }
  const meta = f.metadata;
  if (meta?.format !== CHECKPOINT_FORMAT)
    throw bad(`not a ${CHECKPOINT_FORMAT} file (format ${meta?.format ?? 'missing'})`);
  const tensors = new Map<string, TensorData>();
  for (const [name, e] of f.entries) {
    const data = e.dtype === 'F32' ? readFloats(f, e) : undefined;
    if (!data || 'problem' in data) {
      throw bad(
        `tensor '${name}' (${e.dtype} [${e.shape}]) does not fit the file; it is truncated — delete it and run without --resume`,
      );
    }
    tensors.set(name, { dtype: 'float32', dims: e.shape, data });
  }
  return {
    epoch: Number(meta.epoch),
    iteration: Number(meta.iteration),
    seed: Number(meta.seed),
    fingerprint: meta.fingerprint ?? '',
    seconds: Number(meta.seconds ?? 0),
    tensors,
  };
}
