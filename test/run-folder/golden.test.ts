import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldenSchema } from '../../src/run-folder/golden.js';
import { golden } from './samples.js';

const issues = (v: unknown) => {
  const r = goldenSchema.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('golden schema: a valid run parses to itself', () => {
  assert.deepEqual(goldenSchema.parse(golden), golden);
});

test('golden schema: every per-image array has one entry per index', () => {
  assert.deepEqual(issues({ ...golden, preds: [1], top2diff: [1, 2, 3, 4] }), [
    'preds: 1 entries, but indices has 3',
    'top2diff: 4 entries, but indices has 3',
  ]);
  assert.deepEqual(issues({ ...golden, indices: [], labels: [], preds: [], losses: [], top2diff: [] }), [
    'indices: Too small: expected array to have >=1 items',
  ]);
});

test('golden schema: a label map names how it mapped', () => {
  const labelMap = { ...golden.dataset.labelMap!, how: 'by-hand' };
  assert.deepEqual(issues({ ...golden, dataset: { ...golden.dataset, labelMap } }), [
    'dataset.labelMap.how: Invalid option: expected one of "class-list"|"synset-order"',
  ]);
});
