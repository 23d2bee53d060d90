import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spreadIndices } from '../../src/data/spread.js';

test('spreadIndices: N evenly spread indices, all of them when N ≥ size, none for 0', () => {
  assert.deepEqual([...spreadIndices(10, 4)], [0, 2, 5, 7]);
  assert.deepEqual([...spreadIndices(3, 5)], [0, 1, 2]);
  assert.deepEqual([...spreadIndices(6000, 3)], [0, 2000, 4000]);
  assert.equal(spreadIndices(5, 0).length, 0);
});
