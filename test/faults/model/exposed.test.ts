import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withOutputs } from '../../../src/faults/model/exposed.js';
import { GraphBuilder } from '../../../src/onnx/builder.js';

function model() {
  const b = new GraphBuilder('e');
  const x = b.input('x', 'float32', ['N', 3]);
  const h = b.relu(x, { name: 'h' });
  const s = b.sigmoid(h, { name: 's' });
  b.output(b.neg(s, { name: 'scores' }));
  return b.finishModel();
}

test('withOutputs appends the asked intermediates once each, after the model outputs, with their value info', () => {
  const m = model();
  const out = withOutputs(m, ['s', 'h', 'scores', 's']);
  assert.deepEqual(
    out.graph.outputs.map((o) => [o.name, o.shape]),
    [
      ['scores', ['N', 3]],
      ['s', ['N', 3]],
      ['h', ['N', 3]],
    ],
  );
  assert.equal(out.graph.nodes, m.graph.nodes);
  assert.deepEqual(
    m.graph.outputs.map((o) => o.name),
    ['scores'],
  ); // the model it was handed is unchanged
  assert.deepEqual(withOutputs(m, []).graph.outputs, m.graph.outputs);
});

test('a tensor without value info is an internal error naming it', () => {
  assert.throws(() => withOutputs(model(), ['x']), /tgr internal error: no value info for 'x'/);
});
