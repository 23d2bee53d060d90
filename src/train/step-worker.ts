/**
 * Worker-thread entry: runs a StepCore and answers the main thread's calls in order. ORT's `run` blocks the thread it
 * is called on, so running it here keeps the main thread free to prepare the next batch and draw the progress bar.
 */
import { parentPort } from 'node:worker_threads';
import { StepCore } from './step-core.js';
import { transferables, type StepCall, type StepReply } from './step-protocol.js';

const port = parentPort;
if (!port) throw new Error('step-worker.ts must run in a worker thread');
let core: StepCore | null = null;
let queue: Promise<void> = Promise.resolve();

async function handle(call: StepCall): Promise<unknown> {
  if (call.method === 'init') {
    core = await StepCore.create(call.arg);
    return null;
  }
  if (!core) throw new Error(`step worker got '${call.method}' before 'init'`);
  switch (call.method) {
    case 'beginEpoch':
      return core.beginEpoch(call.arg);
    case 'step':
      return core.step(call.arg);
    case 'evalBatch':
      return core.evalBatch(call.arg);
    case 'carried':
      return core.carried();
    case 'close':
      return core.close();
  }
}

port.on('message', (call: StepCall) => {
  // Calls run one at a time in arrival order, as they would inline.
  queue = queue.then(async () => {
    let reply: StepReply;
    try {
      reply = { id: call.id, ok: true, value: await handle(call) };
    } catch (e) {
      const err = e as Error & { code?: string; fields?: Record<string, unknown> };
      reply = {
        id: call.id,
        ok: false,
        error: { name: err.name, message: err.message, code: err.code, fields: err.fields, stack: err.stack },
      };
    }
    port.postMessage(reply, reply.ok ? transferables(reply.value) : []);
  });
});
