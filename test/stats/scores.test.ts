import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreRow } from '../../src/stats/scores.js';

test('scoreRow: prediction, cross-entropy, Top2Diff in float64; non-finite rows flagged', () => {
  const r = scoreRow(Float32Array.of(0, 1, 3, 2, 9, 9), 0, 3, 1);
  const z = Math.exp(0) + Math.exp(1) + Math.exp(3);
  assert.equal(r.top1, 2);
  assert.ok(Math.abs(r.loss - (Math.log(z) - 1)) < 1e-12);
  assert.ok(Math.abs(r.top2diff - ((Math.exp(3) - Math.exp(1)) / z) * 100) < 1e-12);
  assert.deepEqual(scoreRow(Float32Array.of(1, NaN, Infinity), 0, 3, 0), {
    top1: 2,
    loss: NaN,
    top2diff: NaN,
    finite: false,
  });
  assert.equal(scoreRow(Float32Array.of(0, 0, 5, 5, 1, 0), 1, 3, 0).top1, 0, 'ties go to the first');
});

test('scoreRow: a single class is always right with Top2Diff 100; huge logits stay finite', () => {
  assert.deepEqual(scoreRow(Float32Array.of(7), 0, 1, 0), { top1: 0, loss: 0, top2diff: 100, finite: true });
  const r = scoreRow(Float32Array.of(1000, 990), 0, 2, 1);
  assert.equal(r.top1, 0);
  assert.equal(r.loss, 1000 + Math.log(1 + Math.exp(-10)) - 990);
  assert.equal(r.top2diff, (1 / (1 + Math.exp(-10)) - Math.exp(-10) / (1 + Math.exp(-10))) * 100);
});
