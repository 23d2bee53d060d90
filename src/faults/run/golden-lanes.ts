/**
 * The worker-thread lanes of a golden pass. onnxruntime-node's `run` computes on the thread that calls it (its
 * promise only defers the call), so runs started together on one thread still go one after another; each lane here is
 * a worker thread with a session of its own over the same model, and `lanes` runs at once keep as many cores busy.
 */
import type { Worker } from 'node:worker_threads';
import type { TensorData } from '../../onnx/types.js';
import { fromWireError, spawnModuleWorker, type WireError } from '../../core/module-worker.js';

/** What the main thread asks a lane: make its session, or run it. */
type LaneAsk =
  | { method: 'init'; model: Uint8Array; threads: number; label: string }
  | { method: 'run'; feeds: Record<string, TensorData> };

/** A lane call as sent: the ask and its id. */
export type LaneCall = LaneAsk & { id: number };

/** A lane's answer to call `id`. */
export type LaneReply =
  { id: number; ok: true; value: Record<string, TensorData> | null } | { id: number; ok: false; error: WireError };

type Pending = { resolve: (v: Record<string, TensorData> | null) => void; reject: (e: unknown) => void };

/** One worker thread holding one session; calls are answered in order. */
class Lane {
  private next = 0;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (r: LaneReply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (r.ok) p?.resolve(r.value);
      else p?.reject(fromWireError(r.error));
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`golden lane exited (code ${code})`)));
  }

  /** Sends one call, moving `transfer`'s buffers to the lane. */
  call(c: LaneAsk, transfer: ArrayBuffer[] = []): Promise<Record<string, TensorData> | null> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...c, id }, transfer);
    });
  }

  /** Whether a call is still unanswered. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Stops the thread; calls still pending fail. */
  async close(): Promise<void> {
    this.failure ??= new Error('golden lane closed');
    await this.worker.terminate();
  }
}

/** `lanes` worker threads, each with a `threads`-thread session over `model` (encoded .onnx bytes). */
export class GoldenLanes {
  private constructor(private readonly lanes: Lane[]) {}

  /** Starts the lanes and waits until every session is made. */
  static async create(model: Uint8Array, lanes: number, threads: number, label: string): Promise<GoldenLanes> {
    const all = Array.from(
      { length: lanes },
      () => new Lane(spawnModuleWorker(new URL('./golden-lane-worker.js', import.meta.url))),
    );
    const made = new GoldenLanes(all);
    try {
      // Each lane gets its own copy of the model: one transferred buffer could reach only one thread.
      await Promise.all(all.map((l) => l.call({ method: 'init', model, threads, label })));
    } catch (e) {
      await made.release();
      throw e;
    }
    return made;
  }

  /** A lane with no run going, or −1. */
  idle(): number {
    return this.lanes.findIndex((l) => !l.busy);
  }

  /** Runs lane `k`'s session on `feeds`, whose data are copied into buffers of their own and moved to the lane. */
  async run(k: number, feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
    const own = Object.fromEntries(
      Object.entries(feeds).map(([name, t]) => [name, { ...t, data: t.data.slice() } as TensorData]),
    );
    const out = await this.lanes[k]!.call(
      { method: 'run', feeds: own },
      Object.values(own).map((t) => t.data.buffer as ArrayBuffer),
    );
    return out!;
  }

  /** Stops every lane. */
  async release(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.close()));
  }
}
