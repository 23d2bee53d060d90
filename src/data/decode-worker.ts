/** Entry point of the decode worker thread: answers each DecodeJob with a batch or a one-line error. */
import { parentPort } from 'node:worker_threads';
import { TgrError } from '../core/errors.js';
import { decodeBatch } from './decode-batch.js';
import type { DecodeJob, DecodeReply } from './decode-job.js';

const port = parentPort;
if (!port) throw new Error('decode-worker.ts runs only as a worker thread');

port.on('message', (msg: DecodeJob | 'close') => {
  // Closing the port ends the worker's event loop after the jobs in flight, which is safe for libvips (terminating
  // a worker mid-decode can crash the process).
  if (msg === 'close') return port.close();
  decodeBatch(msg).then(
    (x) => port.postMessage({ id: msg.id, x } satisfies DecodeReply, [x.buffer as ArrayBuffer]),
    (e: unknown) => {
      const error = {
        code: e instanceof TgrError ? e.code : null,
        message: e instanceof Error ? e.message : String(e),
      };
      port.postMessage({ id: msg.id, error } satisfies DecodeReply);
    },
  );
});
