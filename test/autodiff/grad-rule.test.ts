import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, type Node } from '../../src/onnx/types.js';
import { floatAttr, intAttr, intsAttr } from '../../src/autodiff/grad-rule.js';

const node: Node = {
  name: 'n',
  opType: 'Gemm',
  inputs: ['a', 'b'],
  outputs: ['y'],
  attrs: { transA: attr.int(1), alpha: attr.float(0.5), pads: attr.ints([1, 2, 1, 2]), mode: attr.string('x') },
};

test('an attribute of the asked type is read; a missing one gives the ONNX default', () => {
  assert.equal(intAttr(node, 'transA', 0), 1);
  assert.equal(intAttr(node, 'transB', 0), 0);
  assert.equal(floatAttr(node, 'alpha', 1), 0.5);
  assert.equal(floatAttr(node, 'beta', 1), 1);
  assert.deepEqual(intsAttr(node, 'pads', [0, 0, 0, 0]), [1, 2, 1, 2]);
  assert.deepEqual(intsAttr(node, 'strides', [1, 1]), [1, 1]);
});

test('an attribute of another type counts as absent: the default, not a misread value', () => {
  assert.equal(intAttr(node, 'alpha', 7), 7);
  assert.equal(floatAttr(node, 'transA', 2.5), 2.5);
  assert.deepEqual(intsAttr(node, 'mode', [3]), [3]);
  assert.equal(intAttr(node, 'pads', 0), 0);
});
