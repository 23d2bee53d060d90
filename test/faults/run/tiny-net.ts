/** A classifier small enough to check by hand: the fault-run tests that need exact scores share it. */
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { loadClassifier, type Classifier } from '../../../src/faults/model/classifier.js';
import { imageSetFromArrays } from '../../../src/faults/run/images.js';

/**
 * [N,1,2,2] → 1×1 Conv 'conv' of weight 2 (its output `h`) → Relu → flatten → Gemm 'fc' to 3 classes with small
 * integer weights, so every value is exact.
 */
export async function tinyClassifier(): Promise<{ clf: Classifier; h: string }> {
  const b = new GraphBuilder('tiny');
  const x = b.input('input', 'float32', ['N', 1, 2, 2]);
  const h = b.conv(x, b.initializer('conv.weight', f32([1, 1, 1, 1], [2])), undefined, { name: 'conv' });
  const w = b.initializer('fc.weight', f32([3, 4], [1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1]));
  const bias = b.initializer('fc.bias', f32([3], [0, 10, -1]));
  b.output(b.gemm(b.flatten(b.relu(h)), w, bias, { name: 'fc', transB: 1 }), 'logits');
  return { clf: await loadClassifier(b.finishModel()), h };
}

/** Three images for tinyClassifier: image i has pixels i, i+1, i+2, i+3. */
export const tinyImages = imageSetFromArrays({
  images: Float32Array.from({ length: 3 * 4 }, (_, k) => Math.floor(k / 4) + (k % 4)),
  labels: [0, 1, 2],
  shape: [1, 2, 2],
});

/** tinyClassifier's scores from its layer output h (4 values), r = relu(h): [r0, r1 + 10, Σr − 1]. */
export const tinyScoresOf = (h: readonly number[]): number[] => {
  const r = h.map((v) => Math.max(0, v));
  return [r[0]!, r[1]! + 10, r.reduce((a, b) => a + b, 0) - 1];
};

/** tinyClassifier's golden scores of image i. */
export const tinyScores = (i: number): number[] => tinyScoresOf([0, 1, 2, 3].map((k) => 2 * (i + k)));
