import { fromWireError, spawnModuleWorker, type WireError } from '../core/module-worker.js';
import { relayLines } from '../core/relay-lines.js';
import type { StageDisplay, StageProgress } from './stage-display.js';
import type { StageJob } from './stage-jobs.js';

/** What a stage worker (stage-worker.ts) tells the thread that started it. */
export type StageMessage =
  ({ type: 'progress' } & StageProgress) | { type: 'done' } | { type: 'error'; error: WireError };

/**
 * Runs a stage's job in a worker thread of its own, showing its output and progress under `tag`; resolves when the
 * job has finished, rejects with the job's own error (a TgrError stays one).
 */
export function runInWorker(job: StageJob, tag: string, display: StageDisplay): Promise<void> {
  const worker = spawnModuleWorker(new URL('./stage-worker.js', import.meta.url), {
    workerData: job,
    stdout: true,
    stderr: true,
  });
  const relayed = Promise.all([
    relayLines(worker.stdout, (l) => display.line(tag, l)),
    relayLines(worker.stderr, (l) => display.line(tag, l)),
  ]);
  return new Promise<void>((resolve, reject) => {
    let outcome: { error?: Error } | null = null;
    worker.on('message', (m: StageMessage) => {
      if (m.type === 'progress') display.progress(tag, m);
      else {
        outcome = m.type === 'error' ? { error: fromWireError(m.error) } : {};
        // Open handles (an ORT session, a file watcher) may keep the thread alive after the job: end it.
        setTimeout(() => void worker.terminate(), 2000).unref();
      }
    });
    worker.on('error', (e) => (outcome ??= { error: e }));
    worker.on('exit', (code) => {
      void relayed.then(() => {
        display.end(tag);
        const o = outcome ?? { error: new Error(`stage ${tag}: worker exited (code ${code}) before finishing`) };
        if (o.error) reject(o.error);
        else resolve();
      });
    });
  });
}
