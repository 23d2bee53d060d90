/**
 * The main-thread side of the decode worker: starts it (from TypeScript sources under tsx or from compiled dist/),
 * matches replies to requests, turns worker failures into rejected promises, and keeps the process alive only while
 * work is pending, so a loader that is never closed does not hang the program at exit.
 */
import { Worker } from 'node:worker_threads';
import { TgrError } from '../core/errors.js';
import type { DecodeJob, DecodeReply } from './decode-job.js';

interface Pending {
  resolve(x: Float32Array): void;
  reject(e: Error): void;
}

/** Starts the worker thread. */
function spawn(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./decode-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry);
  // Worker threads inherit neither `--import tsx` nor tsx's register() hooks, so the worker registers tsx itself
  // before importing its TypeScript entry.
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true });
}

export class DecodeWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly inflight = new Set<Promise<Float32Array>>();
  private nextId = 0;
  private failure: Error | null = null;
  private exited: Promise<void>;

  private constructor() {
    this.worker = spawn();
    this.worker.unref();
    this.worker.on('message', (r: DecodeReply) => this.settle(r));
    this.worker.on('error', (e) => this.fail(e));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.once('exit', (code) => this.fail(new Error(`decode worker exited (code ${code})`)));
  }

  /** Starts a worker; sharp is loaded here first because libvips must stay loaded on the main thread (sharp's docs). */
  static async start(): Promise<DecodeWorker> {
    await import('sharp');
    return new DecodeWorker();
  }

  /** Decodes a batch in the worker. */
  run(job: Omit<DecodeJob, 'id'>): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    const promise = new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...job, id } satisfies DecodeJob);
    });
    const done = () => void this.inflight.delete(promise);
    promise.then(done, done);
    this.inflight.add(promise);
    return promise;
  }

  /** Lets pending jobs finish, then stops the worker. */
  async close(): Promise<void> {
    await Promise.allSettled(this.inflight);
    if (!this.failure) {
      this.failure = new Error('decode worker closed');
      this.worker.postMessage('close');
      this.worker.ref();
    }
    await this.exited;
  }

  private settle(r: DecodeReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.worker.unref();
    if ('x' in r) p.resolve(r.x);
    else p.reject(r.error.code ? new TgrError(r.error.code, r.error.message) : new Error(r.error.message));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
