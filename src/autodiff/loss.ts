import { attr } from '../onnx/types.js';
import { TgrError } from '../core/errors.js';
import type { GradGraph } from './grad-graph.js';

/**
 * Softmax cross-entropy with label smoothing ε, averaged over the batch (PyTorch's
 * CrossEntropyLoss(label_smoothing=ε)): targets q = (1−ε)·onehot + ε/C, loss = −mean_n Σ_c q·log softmax(logits). Its
 * gradient is written out, not derived (softmax − q)/N, which is one fused expression instead of the
 * LogSoftmax→Mul→ReduceSum chain rule.
 */
export function softmaxCrossEntropy(
  b: GradGraph,
  logits: string,
  labels: string,
  smoothing: number,
): { loss: string; dLogits: string } {
  const [, c] = b.shape(logits);
  if (typeof c !== 'number' || b.shape(logits).length !== 2) {
    throw new TgrError('bad_model', `logits '${logits}' have shape [${b.shape(logits)}]; expected [N, C] with C fixed`);
  }
  const values = b.constLike(logits, [2], [smoothing / c, 1 - smoothing + smoothing / c]);
  const q = b.node('OneHot', [labels, b.ints([c]), values], { axis: attr.int(-1) })[0]!;
  const logP = b.logSoftmax(logits, 1);
  const loss = b.neg(b.reduceMean(b.reduceSum(b.mul(q, logP), [1], 0), [0], 0));
  const dLogits = b.div(b.sub(b.exp(logP), q), b.count(logits, [0]));
  return { loss, dLogits };
}
