import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32 } from '../../src/onnx/tensor.js';
import { modelCost } from '../../src/analysis/model-cost.js';

test('params and MACs of conv → bn → gap → gemm, counted by hand', () => {
  const b = new GraphBuilder('tiny');
  const w = (dims: number[]) => f32(dims, new Array(dims.reduce((a, c) => a * c, 1)).fill(0.1));
  const x = b.input('input', 'float32', ['N', 2, 6, 6]);
  const c = b.conv(x, b.initializer('c.w', w([4, 2, 3, 3])), b.initializer('c.b', w([4])), { pads: [1, 1, 1, 1] });
  const [bn] = b.batchNormalization(c, b.initializer('bn.s', w([4])), b.initializer('bn.b', w([4])), b.initializer('bn.m', w([4])), b.initializer('bn.v', w([4])));
  const y = b.gemm(b.flatten(b.globalAveragePool(b.relu(bn!))), b.initializer('fc.w', w([3, 4])), b.initializer('fc.b', w([3])), { transB: 1 });
  b.output(y, 'logits');
  // Params: conv 72 + 4, bn scale/bias 8 (running mean/var are buffers), fc 12 + 3.
  // MACs: conv 4·6·6 outputs × 2·3·3 = 2592; fc 3 outputs × 4 = 12.
  assert.deepEqual(modelCost(b.finishModel()), { params: 99, macs: 2604 });
});
