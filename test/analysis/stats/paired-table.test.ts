import { test } from 'node:test';
import assert from 'node:assert/strict';
import { correctness, pairedTable } from '../../../src/analysis/stats/paired-table.js';

test('paired table counts agreement and the two kinds of disagreement', () => {
  const first = correctness([1, 2, 3, 4, 5], [1, 2, 0, 0, 5]);
  const second = correctness([1, 0, 3, 0, 0], [1, 2, 0, 0, 5]);
  assert.deepEqual(first, [true, true, false, false, true]);
  assert.deepEqual(second, [true, false, false, true, false]);
  assert.deepEqual(pairedTable(first, second), { bothCorrect: 1, onlyFirst: 2, onlySecond: 1, bothWrong: 1 });
  assert.throws(() => pairedTable([true], []), /same images; got 1 and 0/);
  assert.throws(() => correctness([1], [1, 2]), /1 predictions for 2 labels/);
});
