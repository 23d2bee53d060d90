import { test } from 'node:test';
import assert from 'node:assert/strict';
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { fiellerRatio, rateRatio, ratioSide } from '../../src/stats/ratio.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const one = (hits: number, n: number) => [{ weight: 1, n, hits }];

test('Katz log interval on a hand-worked 2×2 table: 20/100 against 10/100', () => {
  // R = 2; var ln R = 1/20 − 1/100 + 1/10 − 1/100 = 0.13; 2·exp(∓2.576·√0.13)
  const r = rateRatio(one(20, 100), one(10, 100));
  assert.equal(r.ratio, 2);
  close(r.lower, 0.7900628118588899);
  close(r.upper, 5.06288859564045);
  assert.deepEqual([r.method, r.bounds, ratioSide(r)], ['katz-log', 'two-sided', 'straddles 1']);
  assert.equal(ratioSide(rateRatio(one(60, 100), one(10, 100))), 'above 1');
  assert.equal(ratioSide(rateRatio(one(10, 100), one(60, 100))), 'below 1');
});

test('stratified rates use the log-ratio delta method with their stratified standard errors', () => {
  const a = [
    { weight: 0.5, n: 10, hits: 2 },
    { weight: 0.5, n: 20, hits: 0 },
  ]; // p̂ 0.1, se² 0.004
  const r = rateRatio(a, one(10, 100)); // 0.1 ÷ 0.1, se² 0.0009
  const sd = Math.sqrt(0.004 / 0.01 + 0.0009 / 0.01);
  close(r.ratio, 1);
  close(r.lower, Math.exp(-2.576 * sd));
  close(r.upper, Math.exp(2.576 * sd));
  assert.equal(r.method, 'log-delta (stratified)');
});

test('a zero rate gives a one-sided interval from both exact intervals at 99.5% (Bonferroni), and says so', () => {
  const zeroTop = rateRatio(one(0, 50), one(5, 50));
  assert.deepEqual(
    [zeroTop.ratio, zeroTop.lower, zeroTop.bounds, zeroTop.method],
    [0, 0, 'one-sided', 'bonferroni-exact'],
  );
  close(zeroTop.upper, (1 - 0.0025 ** (1 / 50)) / betaQuantile(0.0025, 5, 46));
  const zeroBottom = rateRatio(one(5, 50), one(0, 50));
  assert.deepEqual([zeroBottom.ratio, zeroBottom.upper, zeroBottom.bounds], [Infinity, Infinity, 'one-sided']);
  close(zeroBottom.lower, betaQuantile(0.0025, 5, 46) / (1 - 0.0025 ** (1 / 50)));
  assert.equal(ratioSide(zeroBottom), 'straddles 1'); // 5/50 against 0/50 is not conclusive at 99%
  assert.equal(ratioSide(rateRatio(one(30, 50), one(0, 50))), 'above 1');
  const none = rateRatio(one(0, 50), one(0, 50));
  assert.ok(Number.isNaN(none.ratio));
  assert.deepEqual([none.lower, none.upper, none.bounds], [0, Infinity, 'unbounded']);
  const undef = rateRatio([{ weight: 1, n: 0, hits: 0 }], one(1, 2));
  assert.deepEqual([undef.lower, undef.upper, undef.bounds], [-Infinity, Infinity, 'unbounded']);
});

test('Fieller marks its unbounded sets; JSON nulls read as open ends', () => {
  const r = fiellerRatio({ value: 3, se: 0.5 / 2.576 }, { value: 0.1, se: 0.2 / 2.576 }, 2.576);
  assert.deepEqual([r.lower, r.upper, r.bounds], [-Infinity, Infinity, 'unbounded']);
  const b = fiellerRatio({ value: 4, se: 0.1 }, { value: 2, se: 0.1 }, 2.576);
  assert.deepEqual([b.bounds, ratioSide(b)], ['two-sided', 'above 1']);
  assert.equal(ratioSide({ lower: null, upper: null }), 'straddles 1');
});
