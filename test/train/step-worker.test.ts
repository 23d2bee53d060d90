import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnStepWorker, WorkerStepper } from '../../src/train/stepper.js';
import { initialCarried } from '../../src/train/weights.js';
import { linearBatch, linearStep, linearStepInit } from './linear-step.js';

test('the step worker refuses calls before init and calls its kind of core does not answer; errors keep it alive', async () => {
  const { forward, graph } = linearStep();
  const s = new WorkerStepper(spawnStepWorker());
  try {
    await assert.rejects(s.carried(), { message: "step worker got 'carried' before 'init'" });
    await s.call({ method: 'init', arg: linearStepInit({ forward, graph }) });
    await assert.rejects(s.call({ method: 'grad', arg: linearBatch(1) }), {
      message: "step worker got 'grad', which a step core does not answer",
    });
    const r = await s.step({ ...linearBatch(1), lr: 0.5, step: 1 });
    assert.ok(Number.isFinite(r.loss));
    assert.equal(r.logits.length, 12);
    assert.deepEqual(Object.keys(await s.carried()).sort(), Object.keys(initialCarried(graph, forward)).sort());
  } finally {
    await s.close();
  }
});
