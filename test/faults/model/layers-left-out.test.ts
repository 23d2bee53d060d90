import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Graph, Node, Shape } from '../../../src/onnx/types.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { findLayers } from '../../../src/faults/model/layers.js';
import { leftOutNote } from '../../../src/cli/summary-table.js';

const node = (name: string, opType: string, inputs: string[], attrs: Node['attrs'] = {}): Node => ({
  name,
  opType,
  inputs,
  outputs: [`${name}.out`],
  attrs,
});

/** x [N,4] → fc [N,3]; a Gram matrix fc·fcᵀ [N,N] (batch on two axes) and a MatMul of unknown rows both reach the scores. */
function graph(): Graph {
  const shapes: Record<string, Shape> = {
    'fc.out': ['N', 3],
    't.out': [3, 'N'],
    'gram.out': ['N', 'N'],
    'rows.out': ['N', '?rows.out:1'],
    'ragged.out': ['?ragged.out:0', 3],
    'sum.out': ['N', 3],
    'logits.out': ['N', 3],
  };
  return {
    name: 'left-out',
    inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 4] }],
    outputs: [{ name: 'logits.out', dtype: 'float32', shape: ['N', 3] }],
    initializers: new Map([['w', f32([4, 3], new Array(12).fill(0.5))]]),
    valueInfo: new Map(
      Object.entries(shapes).map(([name, shape]) => [name, { name, dtype: 'float32' as const, shape }]),
    ),
    nodes: [
      node('fc', 'MatMul', ['x', 'w']),
      node('t', 'Transpose', ['fc.out']),
      node('gram', 'MatMul', ['fc.out', 't.out']),
      node('rows', 'Identity', ['gram.out']),
      node('ragged', 'MatMul', ['rows.out', 'fc.out']),
      node('sum', 'Add', ['fc.out', 'ragged.out']),
      node('logits', 'Gemm', ['sum.out', 'w'], { transB: { type: 'int', value: 0 } }),
    ],
  };
}

test('findLayers keeps each Conv/Gemm/MatMul it cannot use with the reason, and the note lists them', () => {
  const { layers, leftOut } = findLayers(graph(), 'logits.out');
  assert.deepEqual(
    layers.map((l) => l.name),
    ['fc', 'logits'],
  );
  assert.deepEqual(leftOut, [
    { name: 'gram', opType: 'MatMul', reason: 'its shape [N,N] carries the batch on 2 axes' },
    { name: 'ragged', opType: 'MatMul', reason: 'its shape [?ragged.out:0,3] has dims that are not fixed per image' },
  ]);
  assert.deepEqual(leftOutNote(leftOut), [
    '2 Conv/Gemm/MatMul layers left out (no fault lands in them):',
    '  gram (MatMul): its shape [N,N] carries the batch on 2 axes',
    '  ragged (MatMul): its shape [?ragged.out:0,3] has dims that are not fixed per image',
  ]);
  assert.deepEqual(leftOutNote([]), []);
});
