/**
 * The messages between the trainer and its step worker: one call per Stepper method (or, for a data-parallel replica,
 * per ReplicaCore method), answered in order.
 */
import type { WireError } from '../core/module-worker.js';
import type { TensorData } from '../onnx/types.js';
import type { StepFeeds, StepInit } from './step-core.js';
import type { ApplyFeeds, ReplicaInit, ShardFeeds } from './replica-core.js';

export type StepCall = { id: number } & (
  | { method: 'init'; arg: StepInit }
  | { method: 'initReplica'; arg: ReplicaInit }
  | { method: 'grad'; arg: ShardFeeds }
  | { method: 'apply'; arg: ApplyFeeds }
  | { method: 'beginEpoch'; arg: number }
  | { method: 'step'; arg: StepFeeds }
  | { method: 'evalBatch'; arg: TensorData }
  | { method: 'carried'; arg?: undefined }
  | { method: 'close'; arg?: undefined }
);

export type StepReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/**
 * The buffers in a message that can move rather than be copied: typed arrays that own their whole buffer. A view
 * into a larger buffer is not moved (that would hand over the whole buffer, and cloning it copies all of it too), so
 * senders compact views first (see `compact`).
 */
export function transferables(value: unknown, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    const b = value.buffer;
    if (b instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === b.byteLength && !out.includes(b))
      out.push(b);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) transferables(v, out);
  }
  return out;
}

/** The tensor with data in a buffer of its own, so sending it moves exactly its bytes. */
export function compact<T extends TensorData>(t: T): T {
  const d = t.data;
  return d.byteOffset === 0 && d.byteLength === d.buffer.byteLength ? t : { ...t, data: d.slice() };
}
