/**
 * Worker-thread entry: runs a StepCore and answers the main thread's calls in order. ORT's `run` blocks the thread it
 * is called on, so running it here keeps the main thread free to prepare the next batch and draw the progress bar.
 */
import { parentPort } from 'node:worker_threads';
import { StepCore } from './step-core.js';
import { ReplicaCore } from './replica-core.js';
import { toWireError } from '../core/module-worker.js';
import { transferables, type StepCall, type StepReply } from './step-protocol.js';

const port = parentPort;
if (!port) throw new Error('step-worker.ts must run in a worker thread');
let core: StepCore | null = null;
let replica: ReplicaCore | null = null;
let queue: Promise<void> = Promise.resolve();

/** What each kind of core answers: a call to anything else is a bug in the caller. */
const answers = {
  step: ['beginEpoch', 'step', 'evalBatch', 'carried', 'close'],
  replica: ['beginEpoch', 'grad', 'apply', 'evalBatch', 'carried', 'close'],
} as const;

async function handle(call: StepCall): Promise<unknown> {
  if (call.method === 'init') {
    core = await StepCore.create(call.arg);
    return null;
  }
  if (call.method === 'initReplica') {
    replica = await ReplicaCore.create(call.arg);
    return null;
  }
  const [target, kind] = replica ? [replica, 'replica' as const] : [core, 'step' as const];
  if (!target) throw new Error(`step worker got '${call.method}' before 'init'`);
  if (!(answers[kind] as readonly string[]).includes(call.method))
    throw new Error(`step worker got '${call.method}', which a ${kind} core does not answer`);
  const method = (target as unknown as Record<string, (arg: unknown) => Promise<unknown>>)[call.method]!;
  return method.call(target, call.arg);
}

port.on('message', (call: StepCall) => {
  // Calls run one at a time in arrival order, as they would inline.
  queue = queue.then(async () => {
    let reply: StepReply;
    try {
      reply = { id: call.id, ok: true, value: await handle(call) };
    } catch (e) {
      reply = { id: call.id, ok: false, error: toWireError(e) };
    }
    port.postMessage(reply, reply.ok ? transferables(reply.value) : []);
  });
});
