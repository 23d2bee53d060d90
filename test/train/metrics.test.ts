import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricSum } from '../../src/train/metrics.js';

test('top-1, cross-entropy and Top2Diff (over correct images only) match the definitions', () => {
  const m = new MetricSum();
  // Row 0 is correct (label 0); row 1 predicts class 2 but the label is 1.
  m.add(Float32Array.of(2, 1, 0, 0, 0, 3), BigInt64Array.of(0n, 1n));
  const z0 = 1 + Math.exp(-1) + Math.exp(-2);
  const z1 = 2 * Math.exp(-3) + 1;
  const r = m.result();
  assert.equal(r.images, 2);
  assert.equal(r.accuracy, 0.5);
  assert.ok(Math.abs(r.loss - (Math.log(z0) + Math.log(z1) + 3) / 2) < 1e-12);
  assert.ok(Math.abs(r.top2diff - ((1 - Math.exp(-1)) / z0) * 100) < 1e-12);
});

test('huge logits stay finite (softmax with the max subtracted)', () => {
  const m = new MetricSum();
  m.add(Float32Array.of(1000, 990), [0]);
  const r = m.result();
  assert.ok(Math.abs(r.loss - Math.log(1 + Math.exp(-10))) < 1e-12);
  assert.ok(Number.isFinite(r.top2diff) && r.top2diff > 99.99);
});
