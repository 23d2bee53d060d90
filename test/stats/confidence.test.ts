import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weightedSum, z99, zForConfidence } from '../../src/stats/confidence.js';

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('normal quantiles for common confidence levels are computed, not tabled', () => {
  close(zForConfidence(0.99), 2.5758293035489004, 1e-12);
  close(zForConfidence(0.95), 1.959963984540054, 1e-12);
  close(zForConfidence(0.9), 1.6448536269514722, 1e-12);
  close(zForConfidence(0.999), 3.2905267314919255, 1e-12);
  close(z99, zForConfidence(0.99), 5e-4);
  assert.throws(() => zForConfidence(99), /confidence must be between 0 and 1 \(e\.g\. 0\.99\); got 99/);
});

test('weighted sums add half-widths in quadrature', () => {
  const s = weightedSum([
    { weight: 2, estimate: { value: 1, ci: 0.3 } },
    { weight: -1, estimate: { value: 4, ci: 0.8 } },
  ]);
  assert.equal(s.value, -2);
  close(s.ci, 1, 1e-15); // √(0.6² + 0.8²)
});
