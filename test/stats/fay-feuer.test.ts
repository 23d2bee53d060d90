import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fayFeuerRate } from '../../src/stats/fay-feuer.js';
import { clopperPearson } from '../../src/stats/clopper-pearson.js';
import { rateInterval, rateIntervalNames } from '../../src/stats/rate-intervals.js';
import { stratifiedRate, type StratumCount } from '../../src/stats/stratified.js';
import { forEachBinomialOutcome } from './binomial-outcomes.js';

const close = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

/** The u with P(Gamma(k, 1) ≤ u) = q for whole k, by bisection on the Poisson tail (independent of the library). */
function gammaQuantileWhole(q: number, k: number): number {
  const cdf = (u: number) => {
    let term = Math.exp(-u);
    let below = 0;
    for (let j = 0; j < k; j++) {
      below += term;
      term *= u / (j + 1);
    }
    return 1 - below;
  };
  let [lo, hi] = [0, 100];
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

test('Fay–Feuer with no hits: 0 to one pseudo-count of the coarsest stratum, w_max·ln(200) at 99%', () => {
  const e = fayFeuerRate([
    { weight: 0.5, n: 10, hits: 0 },
    { weight: 0.5, n: 20, hits: 0 },
  ]);
  assert.equal(e.method, 'fay-feuer');
  assert.equal(e.lower, 0);
  close(e.upper, 0.05 * Math.log(200)); // w_max = 0.5/10; Gamma(1) is the exponential
  assert.equal(e.value, 0);
});

test('Fay–Feuer with equal w_h is Garwood’s exact Poisson interval scaled by w', () => {
  // Four strata of ¼ with 25 draws each: w = 0.01; hits 1 and 2 in two of them, x = 3 in all.
  const strata: StratumCount[] = [
    { weight: 0.25, n: 25, hits: 1 },
    { weight: 0.25, n: 25, hits: 2 },
    { weight: 0.25, n: 25, hits: 0 },
    { weight: 0.25, n: 25, hits: 0 },
  ];
  const e = fayFeuerRate(strata, 0.99);
  close(e.lower, 0.01 * gammaQuantileWhole(0.005, 3), 1e-7);
  close(e.upper, 0.01 * gammaQuantileWhole(0.995, 4), 1e-7);
  // Value and se are the stratified estimator's, whatever the interval.
  const kg = stratifiedRate(strata, 0.99);
  assert.deepEqual([e.value, e.se], [kg.value, kg.se]);
});

test('one stratum is exact Clopper–Pearson under either interval; the registry dispatches by name', () => {
  const one = [{ weight: 1, n: 40, hits: 3 }];
  const cp = clopperPearson(3, 40, 0.99);
  for (const name of rateIntervalNames) {
    const e = rateInterval(one, 0.99, name);
    assert.deepEqual([e.lower, e.upper, e.method], [cp.lower, cp.upper, 'clopper-pearson']);
  }
  const two = [
    { weight: 0.5, n: 40, hits: 3 },
    { weight: 0.5, n: 40, hits: 0 },
  ];
  assert.deepEqual(rateInterval(two), stratifiedRate(two));
  assert.deepEqual(rateInterval(two, 0.99, 'fay-feuer'), fayFeuerRate(two));
  assert.deepEqual(rateIntervalNames, ['korn-graubard', 'fay-feuer']);
  // A stratum not drawn yet leaves the rate undefined, as under Korn–Graubard.
  const undrawn = fayFeuerRate([{ weight: 0.5, n: 0, hits: 0 }, two[0]!]);
  assert.deepEqual([undrawn.lower, undrawn.upper, undrawn.method], [-Infinity, Infinity, 'fay-feuer']);
});

/** Exact coverage of Σ W_h·p_h by the 99% Fay–Feuer interval when stratum h draws n_h binomial sites: every outcome. */
function coverage(weights: readonly number[], n: readonly number[], p: readonly number[]): number {
  const truth = weights.reduce((a, w, h) => a + w * p[h]!, 0);
  let cover = 0;
  forEachBinomialOutcome(n, p, (hits, prob) => {
    const e = fayFeuerRate(hits.map((x, k) => ({ weight: weights[k]!, n: n[k]!, hits: x })));
    if (e.lower <= truth && truth <= e.upper) cover += prob;
  });
  return cover;
}

test('Fay–Feuer covers ≥ 99% under binomial sampling: every outcome of small designs enumerated', () => {
  const designs: { weights: number[]; n: number[] }[] = [
    { weights: [0.25, 0.25, 0.25, 0.25], n: [12, 12, 12, 12] },
    { weights: [0.25, 0.25, 0.25, 0.25], n: [24, 6, 6, 6] },
    { weights: [0.6, 0.3, 0.1], n: [30, 10, 6] },
    { weights: [0.1, 0.1, 0.8], n: [40, 5, 5] },
  ];
  const rates = [
    [0.5, 0, 0, 0.05],
    [0.9, 0.01, 0.01, 0.1],
    [0.99, 0, 0, 0],
    [0.3, 0.3, 0.3, 0.3],
    [0.05, 0.05, 0.05, 0.05],
    [1, 0.5, 0.01, 0],
  ];
  let lowest = 1;
  for (const d of designs)
    for (const p of rates) lowest = Math.min(lowest, coverage(d.weights, d.n, p.slice(0, d.n.length)));
  assert.ok(lowest >= 0.99, `lowest coverage ${lowest}`);
});
