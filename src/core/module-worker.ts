/**
 * Worker threads that run one of our modules, compiled or from source, and carry errors across the thread boundary
 * as the caller would have seen them thrown inline (a TgrError stays a TgrError with its code).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { TgrError, type TgrErrorCode } from './errors.js';

/** An error as it crosses a thread: enough to rebuild a TgrError, or a plain Error with the original stack. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  fields?: Record<string, unknown>;
  stack?: string;
}

/**
 * A worker thread running the module at `url` (the compiled `.js` name, resolved against the caller's URL). Running
 * from source (this file is `.ts` then), the worker loads the `.ts` twin through tsx, since a worker does not inherit
 * the loader hooks tsx registered on the main thread.
 */
export function spawnModuleWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(url, options);
  const entry = url.href.replace(/\.js$/, '.ts');
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`,
    { ...options, eval: true },
  );
}

/** The wire form of anything thrown. */
export function toWireError(e: unknown): WireError {
  const err = (e instanceof Error ? e : new Error(String(e))) as Error & {
    code?: string;
    fields?: Record<string, unknown>;
  };
  return { name: err.name, message: err.message, code: err.code, fields: err.fields, stack: err.stack };
}

/** The error a wire form stands for: a TgrError again when it was one, else an Error keeping the worker's stack. */
export function fromWireError(w: WireError): Error {
  return w.name === 'TgrError'
    ? new TgrError(w.code as TgrErrorCode, w.message, w.fields)
    : Object.assign(new Error(w.message), { stack: w.stack });
}
