import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunningMean } from '../../src/stats/running-mean.js';

test('Welford mean and sample variance match the two-pass values, and merging equals one pass', () => {
  const xs = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]; // large offset: the naive Σx² formula loses everything here
  const all = new RunningMean();
  for (const x of xs) all.add(x);
  assert.equal(all.mean, 1e9 + 10);
  assert.equal(all.variance, 30); // (36 + 9 + 9 + 36) / 3
  const a = new RunningMean();
  const b = new RunningMean();
  xs.slice(0, 1).forEach((x) => a.add(x));
  xs.slice(1).forEach((x) => b.add(x));
  a.merge(b);
  a.merge(new RunningMean());
  assert.equal(a.count, 4);
  assert.equal(a.mean, 1e9 + 10);
  assert.ok(Math.abs(a.variance - 30) < 1e-6);
  assert.ok(Number.isNaN(new RunningMean().variance));
});
