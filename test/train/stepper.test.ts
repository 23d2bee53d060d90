import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { TgrError } from '../../src/core/errors.js';
import { toWireError } from '../../src/core/module-worker.js';
import { f32 } from '../../src/onnx/tensor.js';
import { StepCore } from '../../src/train/step-core.js';
import type { StepCall, StepReply } from '../../src/train/step-protocol.js';
import { createStepper, WorkerStepper } from '../../src/train/stepper.js';
import { linearStepInit } from './linear-step.js';

/** A stand-in worker: records what is posted, replies when told, and can exit. */
class FakeWorker extends EventEmitter {
  posted: { call: StepCall; transfer: ArrayBuffer[] }[] = [];
  terminated = false;
  postMessage(call: StepCall, transfer: ArrayBuffer[]): void {
    this.posted.push({ call, transfer });
  }
  reply(r: StepReply): void {
    this.emit('message', r);
  }
  async terminate(): Promise<number> {
    this.terminated = true;
    return 0;
  }
}

const stepper = () => {
  const w = new FakeWorker();
  return { w, s: new WorkerStepper(w as unknown as Worker) };
};

test('calls carry increasing ids and each reply settles the call of its id, in whatever order replies come', async () => {
  const { w, s } = stepper();
  const a = s.call({ method: 'beginEpoch', arg: 0 });
  const b = s.carried();
  assert.deepEqual(
    w.posted.map((p) => [p.call.id, p.call.method, p.call.arg]),
    [
      [0, 'beginEpoch', 0],
      [1, 'carried', undefined],
    ],
  );
  w.reply({ id: 1, ok: true, value: { w: 1 } });
  w.reply({ id: 0, ok: true, value: null });
  w.reply({ id: 7, ok: true, value: 'nobody asked' }); // ignored
  assert.deepEqual(await b, { w: 1 });
  assert.equal(await a, null);
});

test('a failed call rejects with the worker’s error, a TgrError again when it was one', async () => {
  const { w, s } = stepper();
  const p = s.evalBatch(f32([1], [1]));
  w.reply({ id: 0, ok: false, error: toWireError(new TgrError('bad_model', 'eval graph: broken')) });
  await assert.rejects(
    p,
    (e: unknown) => e instanceof TgrError && e.code === 'bad_model' && e.message === 'eval graph: broken',
  );
});

test('step and evalBatch move their tensors’ buffers, compacting a view first', async () => {
  const { w, s } = stepper();
  const big = new Float32Array(8).map((_, i) => i);
  const input = { dtype: 'float32' as const, dims: [1, 2], data: big.subarray(2, 4) };
  const labels = { dtype: 'int64' as const, dims: [1], data: BigInt64Array.of(1n) };
  void s.step({ input, labels, lr: 0.1, step: 1 });
  const sent = w.posted[0]!;
  const arg = sent.call.arg as { input: typeof input; labels: typeof labels; lr: number };
  assert.deepEqual(Array.from(arg.input.data), [2, 3]);
  assert.notEqual(arg.input.data.buffer, big.buffer, 'a view is copied, never its whole buffer sent');
  assert.deepEqual(sent.transfer, [arg.input.data.buffer, labels.data.buffer]);
  assert.equal(arg.lr, 0.1);
  const own = f32([2], [5, 6]);
  void s.evalBatch(own);
  assert.deepEqual(w.posted[1]!.transfer, [own.data.buffer]);
});

test('a worker that exits fails the pending calls and every later one; close then only terminates', async () => {
  const { w, s } = stepper();
  const pending = s.carried();
  w.emit('exit', 3);
  await assert.rejects(pending, /step worker exited \(code 3\)/);
  await assert.rejects(s.beginEpoch(1), /step worker exited \(code 3\)/);
  await s.close();
  assert.equal(w.posted.length, 1, 'no close call is sent to a dead worker');
  assert.ok(w.terminated);
});

test('close asks the worker to close, then terminates it; later calls are refused', async () => {
  const { w, s } = stepper();
  const closing = s.close();
  assert.equal(w.posted[0]!.call.method, 'close');
  w.reply({ id: 0, ok: true, value: null });
  await closing;
  assert.ok(w.terminated);
  await assert.rejects(s.carried(), /stepper closed/);
});

test('the inline mode is a StepCore on the calling thread', async () => {
  const s = await createStepper(linearStepInit(), 'inline');
  assert.ok(s instanceof StepCore);
  await s.close();
});
