import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../src/core/errors.js';
import { normalCritical, zForLevel } from '../../src/stats/normal.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('normalCritical is the two-sided quantile: 1 − (1 − level)/2 of the standard normal', () => {
  close(normalCritical(0.99), 2.5758293035489004);
  close(normalCritical(0.95), 1.959963984540054);
  close(normalCritical(0.6826894921370859), 1); // P(|Z| ≤ 1)
  close(normalCritical(0.5), 0.6744897501960817); // the quartile
});

test('zForLevel rounds only 0.99, to the paper’s 2.576', () => {
  assert.equal(zForLevel(0.99), 2.576);
  assert.equal(zForLevel(0.95), normalCritical(0.95));
  assert.equal(zForLevel(0.999), normalCritical(0.999));
});

test('a level outside (0, 1) is a bad_argument error carrying the level', () => {
  for (const level of [0, 1, 99, -0.5]) {
    assert.throws(
      () => normalCritical(level),
      (e: unknown) =>
        e instanceof TgrError &&
        e.code === 'bad_argument' &&
        e.message === `confidence must be between 0 and 1 (e.g. 0.99); got ${level}` &&
        e.fields.confidence === level,
    );
  }
  assert.throws(() => zForLevel(1.5), /got 1\.5/);
});
