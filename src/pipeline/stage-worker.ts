/**
 * Worker-thread entry of a pipeline stage: runs the job in `workerData` and reports progress, completion or the error
 * to the thread that draws the display (stage-thread.ts). ORT's `run` blocks the thread calling it, so stages that
 * run at the same time each need a thread of their own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWireError } from '../core/module-worker.js';
import { routeProgress } from '../core/progress.js';
import { runStageJob, type StageJob } from './stage-jobs.js';
import type { StageMessage } from './stage-thread.js';

const port = parentPort;
if (!port) throw new Error('stage-worker.ts must run in a worker thread');
const send = (m: StageMessage) => port.postMessage(m);

// At most a few updates a second: the display redraws on each.
routeProgress((o) => {
  const start = Date.now();
  let count = 0;
  let last = 0;
  const post = (info: string, done: boolean) =>
    send({
      type: 'progress',
      label: o.label,
      unit: o.unit,
      total: o.total,
      count,
      seconds: (Date.now() - start) / 1000,
      info,
      done,
    });
  return {
    tick(n = 1, info = '') {
      count += n;
      const now = Date.now();
      if (now - last >= 250) {
        last = now;
        post(info, false);
      }
    },
    done(info = '') {
      post(info, true);
    },
  };
});

runStageJob(workerData as StageJob).then(
  () => send({ type: 'done' }),
  (e: unknown) => send({ type: 'error', error: toWireError(e) }),
);
