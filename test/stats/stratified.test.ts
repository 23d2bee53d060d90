import { test } from 'node:test';
import assert from 'node:assert/strict';
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import { clopperPearson } from '../../src/stats/clopper-pearson.js';
import { neymanAllocation, stratifiedMean, stratifiedRate } from '../../src/stats/stratified.js';
import { zForLevel } from '../../src/stats/normal.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('Clopper–Pearson at the edges has closed forms: x = 0 → upper 1 − (α/2)^(1/n), x = n → lower (α/2)^(1/n)', () => {
  assert.deepEqual(clopperPearson(0, 10, 0.99).lower, 0);
  close(clopperPearson(0, 10, 0.99).upper, 1 - 0.005 ** (1 / 10));
  close(clopperPearson(10, 10, 0.99).lower, 0.005 ** (1 / 10));
  assert.equal(clopperPearson(10, 10, 0.99).upper, 1);
  assert.deepEqual(clopperPearson(0, 0, 0.99), { lower: 0, upper: 1 });
});

test('Clopper–Pearson bounds are the p where a binomial tail equals α/2', () => {
  for (const [x, n] of [
    [5, 20],
    [1, 100],
    [37, 40],
  ] as const) {
    const { lower, upper } = clopperPearson(x, n, 0.99);
    close(1 - binomialCdf(x - 1, n, lower), 0.005, 1e-9); // P(X ≥ x | lower)
    close(binomialCdf(x, n, upper), 0.005, 1e-9); // P(X ≤ x | upper)
  }
  assert.throws(() => clopperPearson(3, 2, 0.99), /Clopper–Pearson needs 0 ≤ hits ≤ n .*got hits 3, n 2, level 0\.99/);
});

/** Exact coverage: Σ over every x of P(X = x) for the x whose interval holds p. */
function coverage(n: number, p: number, level: number): number {
  let logPmf = n * Math.log1p(-p); // in logs: (1 − p)^n underflows at n = 400, p = 0.9
  let covered = 0;
  for (let x = 0; x <= n; x++) {
    const { lower, upper } = clopperPearson(x, n, level);
    if (lower <= p && p <= upper) covered += Math.exp(logPmf);
    logPmf += Math.log((n - x) / (x + 1)) + Math.log(p / (1 - p));
  }
  return covered;
}

test('the 99% Clopper–Pearson interval covers p with probability ≥ 0.99, enumerated over every outcome', () => {
  for (const n of [5, 10, 30, 100, 400]) {
    for (const p of [0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.9]) {
      const c = coverage(n, p, 0.99);
      assert.ok(c >= 0.99 && c <= 1 + 1e-12, `n ${n}, p ${p}: coverage ${c}`);
    }
  }
});

test("one stratum of weight 1 is the exact Clopper–Pearson interval with the paper's plug-in se", () => {
  const r = stratifiedRate([{ weight: 1, n: 20, hits: 5 }]);
  assert.deepEqual(r, {
    value: 0.25,
    ...clopperPearson(5, 20, 0.99),
    se: Math.sqrt((0.25 * 0.75) / 20),
    method: 'clopper-pearson',
  });
  // weights are normalised and weight-0 strata are outside the population
  assert.deepEqual(
    stratifiedRate([
      { weight: 3, n: 20, hits: 5 },
      { weight: 0, n: 0, hits: 0 },
    ]),
    r,
  );
});

test('several strata: Korn–Graubard effective n with smoothed variances, hand-worked', () => {
  // p̂ = ½·0.2 + ½·0 = 0.1 (plug-in var ¼·0.2·0.8/10 = 0.004). Smoothed p̃₁ = 2.5/11, p̃₂ = 0.5/21:
  // p̃ = ½(p̃₁ + p̃₂), ṽ = ¼(p̃₁(1−p̃₁)/10 + p̃₂(1−p̃₂)/20), n_eff = p̃(1−p̃)/ṽ, x_eff = 0.1·n_eff
  const r = stratifiedRate([
    { weight: 0.5, n: 10, hits: 2 },
    { weight: 0.5, n: 20, hits: 0 },
  ]);
  const q1 = 2.5 / 11;
  const q2 = 0.5 / 21;
  const q = (q1 + q2) / 2;
  const nEff = (q * (1 - q)) / ((q1 * (1 - q1)) / 40 + (q2 * (1 - q2)) / 80);
  close(r.value, 0.1);
  close(r.se, Math.sqrt(0.004));
  assert.equal(r.method, 'korn-graubard');
  close(r.lower, betaQuantile(0.005, 0.1 * nEff, 0.9 * nEff + 1), 1e-12);
  close(r.upper, betaQuantile(0.995, 0.1 * nEff + 1, 0.9 * nEff), 1e-12);
  // Strata that read all or nothing still carry variance (p̃ = 10.5/11 and 0.5/11), so they cannot claim infinite
  // precision; being different is what a stratified plan gains: n_eff = 0.25/(½·p̃(1−p̃)/10) ≈ 115 > the real 20.
  const split = stratifiedRate([
    { weight: 0.5, n: 10, hits: 10 },
    { weight: 0.5, n: 10, hits: 0 },
  ]);
  const qs = (10.5 / 11) * (0.5 / 11);
  const nSplit = 0.25 / (qs / 20);
  close(split.value, 0.5);
  assert.deepEqual({ lower: split.lower, upper: split.upper }, clopperPearson(0.5 * nSplit, nSplit, 0.99));
  // Equal strata that all read 0: n_eff is the real n, the interval that of one stratum of 20.
  const none = stratifiedRate([
    { weight: 0.5, n: 10, hits: 0 },
    { weight: 0.5, n: 10, hits: 0 },
  ]);
  close(none.upper, clopperPearson(0, 20, 0.99).upper, 1e-12);
});

test('a stratum of positive weight with no draws leaves the estimate undefined', () => {
  const undef = { value: NaN, lower: -Infinity, upper: Infinity, se: NaN };
  const r = stratifiedRate([
    { weight: 0.5, n: 10, hits: 2 },
    { weight: 0.5, n: 0, hits: 0 },
  ]);
  assert.deepEqual(r, { ...undef, method: 'korn-graubard' });
  assert.deepEqual(stratifiedRate([]), { ...undef, method: 'korn-graubard' });
  assert.deepEqual(stratifiedMean([{ weight: 1, n: 0, mean: 0, m2: 0 }]), { ...undef, method: 'normal' });
});

test("one stratum's mean interval is the paper's mean ± 2.576·σ/√n", () => {
  const r = stratifiedMean([{ weight: 1, n: 5, mean: 2, m2: 10 }]); // σ² = 10/4
  const half = 2.576 * Math.sqrt(2.5 / 5);
  assert.deepEqual(r, { value: 2, lower: 2 - half, upper: 2 + half, se: Math.sqrt(0.5), method: 'normal' });
  assert.equal(zForLevel(0.99), 2.576);
  close(zForLevel(0.95), 1.959963984540054);
});

test('stratified mean: Σ W·mean, se² = Σ W²·s²/n, hand-worked; n = 1 leaves the interval unbounded', () => {
  // value ½·1 + ½·3 = 2; se² = ¼·(3/3)/4 + ¼·(2/1)/2 = 0.3125
  const r = stratifiedMean([
    { weight: 0.5, n: 4, mean: 1, m2: 3 },
    { weight: 0.5, n: 2, mean: 3, m2: 2 },
  ]);
  assert.equal(r.value, 2);
  close(r.se, Math.sqrt(0.3125));
  close(r.upper - r.value, 2.576 * Math.sqrt(0.3125));
  assert.equal(r.method, 'stratified-normal');
  const one = stratifiedMean([
    { weight: 0.5, n: 4, mean: 1, m2: 3 },
    { weight: 0.5, n: 1, mean: 3, m2: 0 },
  ]);
  assert.deepEqual(one, { value: 2, lower: -Infinity, upper: Infinity, se: NaN, method: 'stratified-normal' });
});

test('Neyman allocation: proportional to W·sd, minimums kept, integers summing to the total', () => {
  assert.deepEqual(
    neymanAllocation(100, [
      { weight: 0.5, sd: 1 },
      { weight: 0.5, sd: 3 },
    ]),
    [25, 75],
  );
  // 0.25·1 of 5.25 would get 0.86 of the 18 left: raised to the minimum, the rest goes to the wide stratum
  assert.deepEqual(
    neymanAllocation(20, [
      { weight: 0.25, sd: 0 },
      { weight: 0.25, sd: 1 },
      { weight: 0.5, sd: 10 },
    ]),
    [2, 2, 16],
  );
  const equal = Array.from({ length: 3 }, () => ({ weight: 1 / 3, sd: 1 }));
  assert.deepEqual(neymanAllocation(10, equal), [4, 3, 3]);
  // a pilot that saw no spread: proportional to the weights
  assert.deepEqual(
    neymanAllocation(
      12,
      [1, 2, 3].map((weight) => ({ weight, sd: 0 })),
    ),
    [2, 4, 6],
  );
  const bits = Array.from({ length: 32 }, (_, b) => ({ weight: 1 / 32, sd: b >= 23 ? 5 : 0.01 * b }));
  for (const total of [64, 100, 1000, 4096]) {
    const n = neymanAllocation(total, bits);
    assert.equal(
      n.reduce((a, c) => a + c, 0),
      total,
    );
    assert.ok(
      n.every((c) => Number.isInteger(c) && c >= 2),
      `${total}: ${n}`,
    );
  }
  assert.deepEqual(neymanAllocation(64, bits), Array(32).fill(2));
  assert.throws(
    () => neymanAllocation(5, equal),
    /Neyman allocation of 5 sites over 3 strata needs at least 2 per stratum \(6 in all\); raise the sample size/,
  );
});
