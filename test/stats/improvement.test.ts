import { test } from 'node:test';
import assert from 'node:assert/strict';
import { improvementRatio } from '../../src/stats/improvement.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('Fieller interval for a hand-computed ratio: both ends solve (A − R·B)² = z²(σA² + R²σB²)', () => {
  // A = 4, B = 2, σA = σB = 0.1 (ci = 2.576 · 0.1).
  const r = improvementRatio({ value: 4, ci: 0.2576 }, { value: 2, ci: 0.2576 });
  assert.equal(r.ratio, 2);
  assert.equal(r.method, 'fieller');
  close(r.lower, 1.7413608275209775);
  close(r.upper, 2.3261163409161805);
  for (const R of [r.lower, r.upper]) close((4 - R * 2) ** 2, 2.576 ** 2 * (0.01 + R * R * 0.01), 1e-12);
  // Asymmetric, wider on the high side than the delta method's symmetric 2 ± 0.288.
  assert.ok(r.upper - 2 > 2 - r.lower);
});

test('tiny errors give a tight interval; a denominator indistinguishable from 0 gives an unbounded one', () => {
  const tight = improvementRatio({ value: 3, ci: 1e-9 }, { value: 1, ci: 1e-9 });
  close(tight.lower, 3, 1e-8);
  close(tight.upper, 3, 1e-8);
  const loose = improvementRatio({ value: 3, ci: 0.5 }, { value: 0.1, ci: 0.2 });
  assert.deepEqual([loose.lower, loose.upper], [-Infinity, Infinity]);
});
