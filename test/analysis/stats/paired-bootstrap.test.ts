import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedBootstrapAccuracyDiff } from '../../../src/analysis/stats/paired-bootstrap.js';
import { Rng } from '../../../src/core/rng.js';

// 1000 images: 900 both right, 40 only the first, 25 only the second, 35 both wrong → difference 0.015.
const first: boolean[] = [];
const second: boolean[] = [];
const push = (k: number, a: boolean, b: boolean) => {
  for (let i = 0; i < k; i++) {
    first.push(a);
    second.push(b);
  }
};
push(900, true, true);
push(40, true, false);
push(25, false, true);
push(35, false, false);

test('the paired bootstrap interval contains the observed difference and is seeded-deterministic', () => {
  const a = pairedBootstrapAccuracyDiff(first, second, new Rng(11), { resamples: 2000 });
  const b = pairedBootstrapAccuracyDiff(first, second, new Rng(11), { resamples: 2000 });
  assert.deepEqual(a, b);
  assert.equal(a.difference, 0.015);
  assert.ok(a.lower < 0.015 && 0.015 < a.upper, `${a.lower} .. ${a.upper}`);
  assert.equal(a.confidence, 0.99);
  // The normal approximation of a paired difference: sd = √((b + c)/n − d²)/√n = √(0.065 − 0.000225)/√1000 ≈ 0.00805,
  // so the 99% interval is about ±0.0207; the percentile bootstrap lands near it.
  assert.ok(Math.abs(a.upper - a.lower - 2 * 2.576 * 0.00805) < 0.006, `${a.upper - a.lower}`);
  assert.notDeepEqual(pairedBootstrapAccuracyDiff(first, second, new Rng(12), { resamples: 2000 }), a);
});

test('identical models give a zero-width interval; bad inputs are one-line errors', () => {
  const same = pairedBootstrapAccuracyDiff(first, first, new Rng(1), { resamples: 200, confidence: 0.95 });
  assert.deepEqual([same.difference, same.lower, same.upper], [0, 0, 0]);
  assert.throws(
    () => pairedBootstrapAccuracyDiff([true], [true, false], new Rng(1)),
    /same non-empty set of images for both models; got 1 and 2/,
  );
  assert.throws(
    () => pairedBootstrapAccuracyDiff([true], [true], new Rng(1), { resamples: 0 }),
    /resamples must be a whole number/,
  );
});
