import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32 } from '../../src/onnx/tensor.js';
import type { Model } from '../../src/onnx/types.js';
import { probeShapes } from '../../src/engine/probe.js';

/**
 * x [N, 2, 3] folded the two ways PyTorch folds a batch: `outer` [N·2, 3] keeps each image's rows together, `inner`
 * [2·N, 3] (transposed first) interleaves them; `flat` + one value is 6N + 1 long, which is no multiple of a batch.
 */
function folds(): Model {
  const b = new GraphBuilder('folds');
  const x = b.input('x', 'float32', ['N', 2, 3]);
  b.output(b.relu(x, { name: 'same' }), 'y0');
  b.output(b.reshape(x, [-1, 3], { name: 'outer' }), 'y1');
  b.output(b.reshape(b.transpose(x, [1, 0, 2]), [-1, 3], { name: 'inner' }), 'y2');
  b.output(b.concat([b.reshape(x, [-1]), b.constant(f32([1], [7]))], 0, { name: 'ragged' }), 'y3');
  b.output(b.reshape(b.mul(x, b.float(0)), [-1, 3], { name: 'blank' }), 'y4');
  b.output(b.reduceSum(x, [0, 1, 2], 1, { name: 'total' }), 'y5');
  return b.finishModel();
}

test('every tensor gets its dtype and shape from two runs; the batch axis is N, folded ones N*c or c*N', async () => {
  const m = folds();
  // Forget what shape inference knew, as for a foreign file without value infos.
  const bare: Model = { ...m, graph: { ...m.graph, valueInfo: new Map() } };
  const probed = await probeShapes(bare, [2, 3]);
  const shape = (t: string) => probed.graph.valueInfo.get(t)?.shape;
  assert.deepEqual(shape('same'), ['N', 2, 3]);
  assert.deepEqual(shape('outer'), ['N*2', 3]);
  assert.deepEqual(shape('inner'), ['2*N', 3]);
  assert.deepEqual(shape('ragged'), ['?ragged:0']);
  // Values that do not depend on the image cannot tell the fold order apart, so none is claimed.
  assert.deepEqual(shape('blank'), ['?blank:0', 3]);
  assert.deepEqual(shape('total'), [1, 1, 1]);
  assert.equal(probed.graph.valueInfo.get('total')?.dtype, 'float32');
  // Graph outputs (Identity copies y0…y5) take their own probed shapes; inputs are left as they were.
  assert.deepEqual(
    probed.graph.outputs.map((o) => o.shape),
    [['N', 2, 3], ['N*2', 3], ['2*N', 3], ['?y3:0'], ['?y4:0', 3], [1, 1, 1]],
  );
  assert.deepEqual(probed.graph.inputs, m.graph.inputs);
  assert.equal(probed.graph.nodes, m.graph.nodes);
});
