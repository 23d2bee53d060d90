/**
 * Worker-thread entry of a golden lane (golden-lanes.ts): makes one session and runs it for the main thread, one call
 * at a time in arrival order, so a lane's results come back in the order its runs were asked for.
 */
import { parentPort } from 'node:worker_threads';
import { Session } from '../../engine/session.js';
import { toWireError } from '../../core/module-worker.js';
import type { LaneCall, LaneReply } from './golden-lanes.js';

const port = parentPort;
if (!port) throw new Error('golden-lane-worker.ts must run in a worker thread');
let session: Session | null = null;
let queue: Promise<void> = Promise.resolve();

/** Answers one call: 'init' makes the session, 'run' runs it. */
async function handle(call: LaneCall): Promise<LaneReply> {
  if (call.method === 'init') {
    session = await Session.create(call.model, { threads: call.threads, label: call.label, spinning: false });
    return { id: call.id, ok: true, value: null };
  }
  if (!session) throw new Error(`golden lane got 'run' before 'init'`);
  return { id: call.id, ok: true, value: await session.run(call.feeds) };
}

port.on('message', (call: LaneCall) => {
  queue = queue.then(async () => {
    let reply: LaneReply;
    try {
      reply = await handle(call);
    } catch (e) {
      reply = { id: call.id, ok: false, error: toWireError(e) };
    }
    port.postMessage(reply);
  });
});
