/**
 * Training checkpoints: every carried tensor (parameters, optimizer state, BN buffers) plus where the run stands.
 * The file is safetensors (u64 header length, JSON header, raw little-endian data) so PyTorch's `safetensors` reads it
 * too; ours is N-D and float32-only, which is all a training graph carries. The loader needs no state of its own:
 * each epoch's shuffle and augmentation are seeded from (seed, epoch), so the epoch number is the loader state.
 */
import { existsSync, readFileSync } from 'node:fs';
import { TgrError, invariant } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { TensorData } from '../onnx/types.js';
import { numel } from '../onnx/tensor.js';

export const CHECKPOINT_FORMAT = 'tgr-checkpoint/1';

export interface Checkpoint {
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken (the next step feeds iteration + 1). */
  iteration: number;
  seed: number;
  /** Hash of everything that must match to continue (graph, data, recipe); see trainer. */
  fingerprint: string;
  tensors: Map<string, TensorData>;
}

/** Writes a checkpoint atomically. */
export function saveCheckpoint(path: string, ck: Checkpoint): void {
  const meta = { format: CHECKPOINT_FORMAT, epoch: String(ck.epoch), iteration: String(ck.iteration), seed: String(ck.seed), fingerprint: ck.fingerprint };
  const header: Record<string, unknown> = { __metadata__: meta };
  let offset = 0;
  for (const [name, t] of ck.tensors) {
    invariant(t.dtype === 'float32', `checkpoint tensor ${name} is ${t.dtype}`);
    header[name] = { dtype: 'F32', shape: t.dims, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const raw = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces to 8 bytes (as the reference writer does) so the data can be viewed as Float32Array.
  const headLen = Math.ceil(raw.length / 8) * 8;
  const out = new Uint8Array(8 + headLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headLen), true);
  out.fill(0x20, 8, 8 + headLen).set(raw, 8);
  let at = 8 + headLen;
  for (const t of ck.tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  writeFileAtomic(path, out);
}

/** Reads a checkpoint; a missing, truncated or foreign file gives a one-line error naming it. */
export function loadCheckpoint(path: string): Checkpoint {
  const bad = (what: string) => new TgrError('bad_file', `${path}: ${what}`, { file: path });
  if (!existsSync(path)) throw bad('no checkpoint to resume from; run without --resume to start afresh');
  const bytes = readFileSync(path);
  if (bytes.length < 8) throw bad('too short for a checkpoint; delete it and run without --resume');
  const headLen = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headLen)));
  } catch {
    throw bad('header is not readable JSON; the file is corrupt — delete it and run without --resume');
  }
  const meta = header.__metadata__ as Record<string, string> | undefined;
  if (meta?.format !== CHECKPOINT_FORMAT) throw bad(`not a ${CHECKPOINT_FORMAT} file (format ${meta?.format ?? 'missing'})`);
  const tensors = new Map<string, TensorData>();
  const base = 8 + headLen;
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const [a, b] = e.data_offsets;
    if (e.dtype !== 'F32' || b - a !== numel(e.shape) * 4 || base + b > bytes.length) {
      throw bad(`tensor '${name}' (${e.dtype} [${e.shape}]) does not fit the file; it is truncated — delete it and run without --resume`);
    }
    // Copy out: the read buffer's offset need not be 4-byte aligned, and the tensors outlive it.
    const data = new Float32Array(numel(e.shape));
    new Uint8Array(data.buffer).set(bytes.subarray(base + a, base + b));
    tensors.set(name, { dtype: 'float32', dims: e.shape, data });
  }
  return { epoch: Number(meta.epoch), iteration: Number(meta.iteration), seed: Number(meta.seed), fingerprint: meta.fingerprint ?? '', tensors };
}
