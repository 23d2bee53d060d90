import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axesAsInput, clipBoundsAsInputs, forOpset } from '../../src/onnx/opsets.js';
import { GraphBuilder } from '../../src/onnx/builder.js';

test('forOpset picks the newest entry not newer than the opset', () => {
  const t = { 1: 'a', 13: 'b', 18: 'c' };
  assert.equal(forOpset(t, 1), 'a');
  assert.equal(forOpset(t, 12), 'a');
  assert.equal(forOpset(t, 13), 'b');
  assert.equal(forOpset(t, 17), 'b');
  assert.equal(forOpset(t, 21), 'c');
  assert.throws(() => forOpset({ 11: 'x' }, 10), /no entry for opset 10/);
});

test('reductions take axes as an input from the opset the spec moved them (ReduceSum 13, the others 18)', () => {
  assert.deepEqual(
    [12, 13, 17, 18].map((o) => axesAsInput('ReduceSum', o)),
    [false, true, true, true],
  );
  assert.deepEqual(
    [13, 17, 18].map((o) => axesAsInput('ReduceMean', o)),
    [false, false, true],
  );
  assert.deepEqual(
    [10, 11].map((o) => clipBoundsAsInputs(o)),
    [false, true],
  );
});

test('the builder emits ReduceMean with an axes attribute at opset 17 and an axes input at 18', () => {
  for (const [opset, inputs, hasAttr] of [
    [17, 1, true],
    [18, 2, false],
  ] as const) {
    const b = new GraphBuilder('r', { opset });
    const y = b.reduceMean(b.input('x', 'float32', ['N', 3, 4]), [2], 1, { name: 'm' });
    assert.deepEqual(b.shape(y), ['N', 3, 1]);
    b.output(y, 'y');
    const node = b.finish().nodes.find((n) => n.opType === 'ReduceMean')!;
    assert.equal(node.inputs.length, inputs);
    assert.equal('axes' in node.attrs, hasAttr);
  }
});
