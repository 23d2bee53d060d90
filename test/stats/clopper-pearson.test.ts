import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../src/core/errors.js';
import { clopperPearson } from '../../src/stats/clopper-pearson.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('one hit in two trials at 95% has closed forms: Beta(1, 2) and Beta(2, 1) quantiles', () => {
  // Beta(1, b) quantile is 1 − (1 − q)^(1/b); Beta(a, 1) quantile is q^(1/a).
  const { lower, upper } = clopperPearson(1, 2, 0.95);
  close(lower, 1 - Math.sqrt(0.975));
  close(upper, Math.sqrt(0.975));
});

test('one trial: no hit gives [0, 1 − α/2], one hit gives [α/2, 1]', () => {
  const none = clopperPearson(0, 1, 0.9);
  assert.equal(none.lower, 0);
  close(none.upper, 0.95);
  const one = clopperPearson(1, 1, 0.9);
  close(one.lower, 0.05);
  assert.equal(one.upper, 1);
});

test('swapping hits and misses mirrors the interval about 1/2', () => {
  for (const [x, n] of [
    [3, 17],
    [0, 9],
    [2.5, 7.25], // Korn–Graubard's effective counts are not integers
  ] as const) {
    const a = clopperPearson(x, n, 0.99);
    const b = clopperPearson(n - x, n, 0.99);
    close(a.lower, 1 - b.upper);
    close(a.upper, 1 - b.lower);
  }
});

test('a higher level widens the interval on both sides and it always holds x/n', () => {
  const narrow = clopperPearson(4, 30, 0.9);
  const wide = clopperPearson(4, 30, 0.999);
  assert.ok(wide.lower < narrow.lower && narrow.upper < wide.upper);
  assert.ok(narrow.lower < 4 / 30 && 4 / 30 < narrow.upper);
});

test('bad hits, n or level are bad_argument errors that name all three', () => {
  const cases: [number, number, number, string][] = [
    [-1, 5, 0.99, 'got hits -1, n 5, level 0.99'],
    [6, 5, 0.99, 'got hits 6, n 5, level 0.99'],
    [1, 5, 0, 'got hits 1, n 5, level 0'],
    [1, 5, 1, 'got hits 1, n 5, level 1'],
    [0, -1, 0.99, 'got hits 0, n -1, level 0.99'],
  ];
  for (const [x, n, level, tail] of cases) {
    assert.throws(
      () => clopperPearson(x, n, level),
      (e: unknown) =>
        e instanceof TgrError &&
        e.code === 'bad_argument' &&
        e.message === `Clopper–Pearson needs 0 ≤ hits ≤ n and a level in (0, 1); ${tail}`,
    );
  }
});
