/**
 * Creates the stepper a trainer runs: a StepCore in a worker thread (default) or on the calling thread. The worker
 * entry is step-worker.js next to this file when running compiled, or step-worker.ts through tsx when running from
 * source (a worker does not inherit the loader hooks `tsx` registered on the main thread, so it registers them itself).
 */
import type { Worker } from 'node:worker_threads';
import { fromWireError, spawnModuleWorker } from '../core/module-worker.js';
import type { TensorData } from '../onnx/types.js';
import { StepCore, type StepFeeds, type StepInit, type StepResult, type Stepper } from './step-core.js';
import { compact, transferables, type StepCall, type StepReply } from './step-protocol.js';

export type StepperMode = 'worker' | 'inline';

/** Starts a stepper over `init`: in a worker thread (keeps the event loop free) or inline. */
export async function createStepper(init: StepInit, mode: StepperMode = 'worker'): Promise<Stepper> {
  if (mode === 'inline') return StepCore.create(init);
  const s = new WorkerStepper(spawnStepWorker());
  // Only the freshly encoded graphs move; the carried tensors are copied, as the caller may still hold them.
  await s.call({ method: 'init', arg: init }, transferables([init.trainModel, init.evalModel]));
  return s;
}

/** A worker thread running step-worker (compiled or, from source, through tsx). */
export function spawnStepWorker(): Worker {
  return spawnModuleWorker(new URL('./step-worker.js', import.meta.url));
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

/** The Stepper of a StepCore in a worker; `call` also serves replicas (data-parallel.ts). */
export class WorkerStepper implements Stepper {
  private next = 0;
  private pending = new Map<number, Pending>();
  private failure: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (r: StepReply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (!p) return;
      if (r.ok) p.resolve(r.value);
      else p.reject(fromWireError(r.error));
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`step worker exited (code ${code})`)));
  }

  /** Sends one call; replies come back in order. */
  call<T>(c: Omit<StepCall, 'id'>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...c, id }, transfer);
    });
  }

  beginEpoch(e: number): Promise<void> {
    return this.call({ method: 'beginEpoch', arg: e });
  }
  step(f: StepFeeds): Promise<StepResult> {
    const arg = { ...f, input: compact(f.input), labels: compact(f.labels) };
    return this.call({ method: 'step', arg }, transferables(arg));
  }
  evalBatch(input: TensorData): Promise<Float32Array> {
    const arg = compact(input);
    return this.call({ method: 'evalBatch', arg }, transferables(arg));
  }
  carried(): Promise<Record<string, TensorData>> {
    return this.call({ method: 'carried' });
  }
  async close(): Promise<void> {
    if (!this.failure) await this.call({ method: 'close' });
    this.failure ??= new Error('stepper closed');
    await this.worker.terminate();
  }
}
