import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32 } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';
import { TgrError } from '../../src/core/errors.js';
import { gradientModel } from '../../src/autodiff/gradient-graph.js';

/** y = x·w + b and the index of its largest element (an int64 output, which takes no gradient). */
function forward() {
  const b = new GraphBuilder('lin');
  const x = b.input('x', 'float32', ['N', 2]);
  const w = b.initializer('w', f32([2], [3, -1]));
  const y = b.add(b.mul(x, w), b.initializer('b', f32([2], [0.5, 0.5])));
  b.output(y, 'y');
  b.output(b.node('ArgMax', [y], {}, { name: 'top' })[0]!, 'top');
  b.initializer('unused', f32([1], [0]));
  return b.finishModel({ head: 'linear' });
}

test('the forward outputs stay; each float output gets a seed input Y.grad, each wrt tensor an output T.grad', () => {
  const m = gradientModel(forward(), ['w', 'x']);
  assert.deepEqual(
    m.graph.inputs.map((v) => [v.name, v.dtype, v.shape]),
    [
      ['x', 'float32', ['N', 2]],
      ['y.grad', 'float32', ['N', 2]],
    ],
  );
  assert.deepEqual(
    m.graph.outputs.map((v) => v.name),
    ['y', 'top', 'w.grad', 'x.grad'],
  );
  assert.deepEqual(m.metadata, { head: 'linear' });
  assert.equal(m.graph.initializers.has('unused'), false, 'what no output needs is pruned');
});

test('the gradients are the vector-Jacobian product with the seeds', async () => {
  const s = await Session.create(gradientModel(forward(), ['w', 'b', 'x']));
  const out = await s.run({ x: f32([2, 2], [1, 2, 3, 4]), 'y.grad': f32([2, 2], [1, 0, 2, 1]) });
  assert.deepEqual([...(out['w.grad']!.data as Float32Array)], [1 * 1 + 3 * 2, 2 * 0 + 4 * 1]);
  assert.deepEqual([...(out['b.grad']!.data as Float32Array)], [3, 1]);
  assert.deepEqual([...(out['x.grad']!.data as Float32Array)], [3, -0, 6, -1]); // dy·w: 0·(−1) is −0
  assert.deepEqual([...(out.y!.data as Float32Array)], [3.5, -1.5, 9.5, -3.5]);
  await s.release();
});

test('a tensor no output depends on is refused, naming the graph and the tensor', () => {
  assert.throws(
    () => gradientModel(forward(), ['w', 'unused']),
    (e) =>
      e instanceof TgrError &&
      e.code === 'bad_argument' &&
      e.message ===
        "lin: 'unused' does not reach any output, so it has no gradient; pick a tensor the outputs depend on",
  );
});
