import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { inferShapes } from '../../src/onnx/infer.js';
import { f32 } from '../../src/onnx/tensor.js';

test('inferShapes replaces declared output shapes (another batch symbol) with the inferred ones', () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', ['N', 4]);
  b.output(b.gemm(x, b.initializer('w', f32([3, 4], Array(12).fill(0.5))), undefined, { transB: 1 }), 'scores');
  const g = b.finish();
  // As a torch export declares it: a dynamic axis named 'batch'.
  const exported = {
    ...g,
    outputs: [{ name: 'scores', dtype: 'float32' as const, shape: ['batch', 3] }],
    valueInfo: new Map(),
  };
  assert.deepEqual(inferShapes(exported, 17).outputs[0]!.shape, ['N', 3]);
});

test('strict inference names a node whose op has no shape rule', () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', ['N', 4]);
  b.output(b.relu(x), 'y');
  const g = b.finish();
  const odd = { ...g, nodes: [{ ...g.nodes[0]!, opType: 'Mystery' }, ...g.nodes.slice(1)] };
  assert.throws(
    () => inferShapes(odd, 17, true),
    /node 'relu': no shape rule for op Mystery; add one to src\/onnx\/shape-rules.ts/,
  );
});
