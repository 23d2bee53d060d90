import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/engine/session.js';
import { scalar } from '../../src/onnx/tensor.js';
import type { TensorData } from '../../src/onnx/types.js';
import { StepCore } from '../../src/train/step-core.js';
import { initialCarried, withWeights } from '../../src/train/weights.js';
import { linearBatch, linearStep, linearStepInit } from './linear-step.js';

const { forward, graph } = linearStep();
const init = () => linearStepInit({ forward, graph });

/** Two steps of the training graph run directly: each step's loss, and the carried tensors after each. */
async function direct() {
  const s = await Session.create(graph.model, { threads: 1 });
  let carried = initialCarried(graph, forward);
  const steps: { loss: number; carried: Record<string, TensorData> }[] = [];
  for (const i of [1, 2]) {
    const { input, labels } = linearBatch(i);
    const out = await s.run({ ...carried, input, labels, lr: scalar(0.5), step: scalar(i) });
    carried = Object.fromEntries(Object.keys(carried).map((k) => [k, out[`${k}.next`]!]));
    steps.push({ loss: (out.loss!.data as Float32Array)[0]!, carried });
  }
  await s.release();
  return steps;
}

test('each step feeds batch, lr and step number with the carried tensors, and carries the .next outputs', async () => {
  const want = await direct();
  const core = await StepCore.create(init());
  await core.beginEpoch(0); // no Dropout: the one session stays
  for (const i of [1, 2]) {
    const r = await core.step({ ...linearBatch(i), lr: 0.5, step: i });
    assert.equal(r.loss, want[i - 1]!.loss);
    assert.equal(r.logits.length, 12);
  }
  const carried = await core.carried();
  assert.deepEqual(Object.keys(carried).sort(), Object.keys(want[1]!.carried).sort());
  for (const k of Object.keys(carried)) assert.deepEqual(carried[k], want[1]!.carried[k], k);
  await core.close();
});

test('evalBatch runs the eval graph with the weights of the latest step; carried() hands out copies', async () => {
  const core = await StepCore.create(init());
  const x = linearBatch(5).input;
  const evalWith = async (w: Record<string, TensorData>) => {
    const s = await Session.create(withWeights(forward, w), { threads: 1 });
    const y = (await s.run({ input: x })).logits!.data as Float32Array;
    await s.release();
    return Array.from(y);
  };
  assert.deepEqual(Array.from(await core.evalBatch(x)), await evalWith(initialCarried(graph, forward)));
  await core.step({ ...linearBatch(1), lr: 0.5, step: 1 });
  const after = await core.carried();
  const logits = Array.from(await core.evalBatch(x));
  assert.deepEqual(logits, await evalWith(after));
  assert.notDeepEqual(logits, await evalWith(initialCarried(graph, forward)), 'the step moved the weights');
  (after['fc.bias']!.data as Float32Array).fill(99);
  assert.notEqual((await core.carried())['fc.bias']!.data[0], 99);
  await core.close();
});
