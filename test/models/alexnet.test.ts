import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dims, layerNames, nodesOf, outShape, shapesOnly } from './backbone-layout.js';

test("AlexNet's layers are torchvision's: five convolutions, three Linears, pools after conv 1, 2 and 5", () => {
  const m = shapesOnly('alexnet', 64);
  assert.deepEqual(layerNames(m), [
    'features.0',
    'features.3',
    'features.6',
    'features.8',
    'features.10',
    'classifier.1',
    'classifier.4',
    'classifier.6',
  ]);
  assert.deepEqual(nodesOf(m, 'MaxPool'), ['features.2', 'features.5', 'features.12']);
  assert.deepEqual(
    ['features.0', 'features.3', 'features.6', 'features.8', 'features.10'].map((n) => dims(m, `${n}.weight`)),
    [
      [64, 3, 11, 11],
      [192, 64, 5, 5],
      [384, 192, 3, 3],
      [256, 384, 3, 3],
      [256, 256, 3, 3],
    ],
  );
  // 64 → (64 + 4 − 11)/4 + 1 = 15 after the 11×11/4 stem; the third pool leaves 1×1.
  assert.deepEqual(outShape(m, 'features.0'), ['N', 64, 15, 15]);
  assert.deepEqual(outShape(m, 'features.12'), ['N', 256, 1, 1]);
  assert.deepEqual(dims(m, 'classifier.4.weight'), [4096, 4096]);
  assert.deepEqual(dims(m, 'classifier.6.weight'), [10, 4096]);
});

test('a map smaller than 6×6 is not blown up by avgpool: the first Linear reads what is there', () => {
  // 127 px: stem 31, pools 15, 7, 3 → 3×3×256 features.
  assert.deepEqual(dims(shapesOnly('alexnet', 127), 'classifier.1.weight'), [4096, 2304]);
  assert.deepEqual(dims(shapesOnly('alexnet', 64), 'classifier.1.weight'), [4096, 256]);
});

test('train mode has live Dropout before the first two Linears', () => {
  assert.deepEqual(nodesOf(shapesOnly('alexnet', 64, { mode: 'train' }), 'Dropout'), ['classifier.0', 'classifier.3']);
});
