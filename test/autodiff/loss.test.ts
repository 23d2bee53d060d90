import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32, i64 } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';
import { TgrError } from '../../src/core/errors.js';
import type { Shape } from '../../src/onnx/types.js';
import { GradGraph } from '../../src/autodiff/grad-graph.js';
import { softmaxCrossEntropy } from '../../src/autodiff/loss.js';
import { assertClose } from './vjp.js';

/** Loss and ∂loss/∂logits for logits [[0, 0], [ln 3, 0]] with labels [0, 1]. */
async function lossOf(smoothing: number): Promise<{ loss: number[]; d: number[] }> {
  const b = new GradGraph('ce');
  const { loss, dLogits } = softmaxCrossEntropy(
    b,
    b.input('logits', 'float32', ['N', 2]),
    b.input('labels', 'int64', ['N']),
    smoothing,
  );
  b.output(loss, 'loss');
  b.output(dLogits, 'd');
  const s = await Session.create(b.finishModel());
  const out = await s.run({ logits: f32([2, 2], [0, 0, Math.log(3), 0]), labels: i64([2], [0, 1]) });
  await s.release();
  return { loss: [...(out.loss!.data as Float32Array)], d: [...(out.d!.data as Float32Array)] };
}

test('without smoothing: mean cross-entropy and (softmax − one-hot)/N', async () => {
  const { loss, d } = await lossOf(0);
  // Row 0: softmax [½, ½], −ln ½. Row 1: softmax [¾, ¼], label 1: −ln ¼. Mean 1.5·ln 2.
  assertClose(loss, [1.5 * Math.LN2], 1e-6, 'loss');
  assertClose(d, [-0.25, 0.25, 0.375, -0.375], 1e-7, 'dLogits');
});

test('label smoothing ε spreads ε/C over every class: targets (1 − ε)·one-hot + ε/C', async () => {
  const { loss, d } = await lossOf(0.2);
  // Targets [0.9, 0.1] and [0.1, 0.9].
  const want = (Math.LN2 - (0.1 * Math.log(0.75) + 0.9 * Math.log(0.25))) / 2;
  assertClose(loss, [want], 1e-6, 'loss');
  assertClose(d, [(0.5 - 0.9) / 2, (0.5 - 0.1) / 2, (0.75 - 0.1) / 2, (0.25 - 0.9) / 2], 1e-7, 'dLogits');
});

test('logits that are not [N, C] with C fixed are refused, naming the tensor and its shape', () => {
  const refused = (shape: Shape, message: string) => {
    const b = new GradGraph('ce');
    const logits = b.input('logits', 'float32', shape);
    assert.throws(
      () => softmaxCrossEntropy(b, logits, b.input('labels', 'int64', ['N']), 0),
      (e) => e instanceof TgrError && e.code === 'bad_model' && e.message === message,
    );
  };
  refused(['N', 'C'], "logits 'logits' have shape [N,C]; expected [N, C] with C fixed");
  refused(['N', 2, 2], "logits 'logits' have shape [N,2,2]; expected [N, C] with C fixed");
});
