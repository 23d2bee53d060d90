import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floorAllocation, halfWidth, nextCounts, smoothedSd, topUpCounts } from '../../src/stats/halfwidth-size.js';
import { TgrError } from '../../src/core/errors.js';
import { nextRung, rungAtLeast } from '../../src/stats/total-ladder.js';

const one = (n: number, hits: number) => [{ weight: 1, n, hits }];
const halves = (n: number, a: number, b: number) => [
  { weight: 0.5, n, hits: a },
  { weight: 0.5, n, hits: b },
];
const limits = { min: 1, cap: 100_000, growth: 1.25 };

test('halfWidth is the reported interval’s (Clopper–Pearson for one stratum): 0 of n narrows as 1/n', () => {
  // Upper bound 1 − 0.005^(1/n) at 99%, lower 0.
  assert.ok(Math.abs(halfWidth(one(100, 0)) - (1 - 0.005 ** (1 / 100)) / 2) < 1e-15);
  assert.ok(halfWidth(one(262, 0)) > 0.01 && halfWidth(one(263, 0)) <= 0.01);
  assert.equal(smoothedSd(0, 3), Math.sqrt((0.5 / 4) * (3.5 / 4)));
});

test('topUpCounts: the lowest total on the ladder whose projected interval reaches the target; never below what a stratum has', () => {
  // 0 hits in 100: the rate is projected to stay 0, so n = 263 is the least that reaches ±0.01; the ladder's next rung is 266.
  assert.ok(halfWidth(one(262, 0)) > 0.01 && halfWidth(one(263, 0)) <= 0.01);
  assert.deepEqual([rungAtLeast(263), topUpCounts([one(100, 0)], 0.01, limits)], [266, [266]]);
  // 10 in 100: Clopper–Pearson at p̂ = 0.1 needs more than Wald's 2.576²·0.09/0.02² = 1,493; 1,556 is the lowest rung that
  // reaches it (the rung below, 1,533, does not).
  assert.deepEqual(topUpCounts([one(100, 10)], 0.02, limits), [1556]);
  assert.ok(halfWidth(one(1556, 155.6)) <= 0.02 && halfWidth(one(1533, 153.3)) > 0.02);
  assert.equal(nextRung(1533), 1556);
  // Two rates on two strata: each stratum takes the larger of the rates' Neyman shares; the spread stratum more.
  assert.deepEqual(topUpCounts([halves(50, 0, 10), halves(50, 0, 0)], 0.05, { ...limits, min: 2 }), [74, 119]);
  // The cap wins over the target; a near miss still grows by the minimum growth (160 × 1.25 = 200 → the rung 201).
  assert.deepEqual(topUpCounts([one(100, 10)], 0.001, { ...limits, cap: 5000 }), [5000]);
  assert.deepEqual(topUpCounts([one(100, 0)], 0.2, limits), [125]);
  assert.deepEqual(topUpCounts([halves(80, 0, 0)], 0.5 - 1e-9, { ...limits, min: 2 }), [101, 100]);
});

test('topUpCounts with maxGrowth: a round grows the sample at most that much, however far the projection asks', () => {
  // 10 in 100 at ±0.02 projects 1,556 (above); at most ×8 it stops at 804, the rung at 800 (totals stay on the ladder).
  assert.deepEqual(topUpCounts([one(100, 10)], 0.02, { ...limits, maxGrowth: 8 }), [804]);
  assert.equal(rungAtLeast(800), 804);
  // A projection within ×8 is untouched: 0 in 100 at ±0.01 still takes the rung 266.
  assert.deepEqual(topUpCounts([one(100, 0)], 0.01, { ...limits, maxGrowth: 8 }), [266]);
  // Over strata the bound is on the total: 50 + 50 → at most 804 in all, shared as without it.
  const grown = topUpCounts([halves(50, 0, 10)], 0.005, { ...limits, min: 2, maxGrowth: 8 });
  assert.equal(grown[0]! + grown[1]!, 804);
  // The least growth still wins over it, and the cap over both.
  assert.deepEqual(topUpCounts([one(100, 0)], 0.2, { ...limits, maxGrowth: 1.1 }), [125]);
  assert.deepEqual(topUpCounts([one(100, 10)], 0.001, { ...limits, cap: 500, maxGrowth: 8 }), [500]);
  assert.deepEqual(topUpCounts([one(100, 10)], 0.001, { ...limits, cap: 110, maxGrowth: 8 }), [110]); // ×1.25 past it
});

test('topUpCounts never sums past the cap, though strata keep what they have', () => {
  const uneven = [
    { weight: 0.5, n: 70, hits: 0 },
    { weight: 0.5, n: 10, hits: 5 },
  ];
  const capped = topUpCounts([uneven], 0.001, { ...limits, min: 2, cap: 100 });
  assert.ok(capped[0]! >= 70 && capped[1]! > 10, `${capped}`);
  assert.ok(capped[0]! + capped[1]! <= 100, `${capped}`);
});

test('nextCounts: nothing once every rate reached its own target or the cap, else the top-up', () => {
  assert.equal(nextCounts([one(100, 0)], 0.03, limits), undefined);
  assert.equal(nextCounts([one(100, 10)], 0.02, { ...limits, cap: 100 }), undefined);
  // Per-rate targets: the first rate is within ±0.03 already, the second needs ±0.02 at p̂ = 0.1.
  assert.deepEqual(nextCounts([one(100, 0), one(100, 10)], [0.03, 0.02], limits), [1556]);
  assert.deepEqual(nextCounts([one(100, 0), one(100, 10)], [0.01, 0.09], limits), [266]);
});

test('topUpCounts refuses a half-width outside (0, 0.5) in one line', () => {
  for (const w of [0, 0.5, -1, NaN])
    assert.throws(
      () => topUpCounts([one(10, 1)], w, limits),
      (e) =>
        e instanceof TgrError && e.message === `--halfwidth must be a proportion in (0, 0.5), e.g. 0.005; got ${w}`,
    );
});

test('under Fay–Feuer a top-up gives strata without hits one floor and the rest ∝ √rate: less than half the sites', () => {
  // A pilot of 4 per fp32 bit in which bit 30 hit twice and bit 27 once, on both rates; target ±0.005.
  const hits = Array.from({ length: 32 }, (_, b) => (b === 30 ? 2 : b === 27 ? 1 : 0));
  const pilot = hits.map((h) => ({ weight: 1 / 32, n: 4, hits: h }));
  const limits32 = { min: 2, cap: 16_384, growth: 1.25 };
  const ff = topUpCounts([pilot, pilot], 0.005, { ...limits32, interval: 'fay-feuer' });
  assert.deepEqual(
    ff,
    hits.map((h) => (h === 2 ? 356 : h === 1 ? 260 : 29)),
  );
  const kg = topUpCounts([pilot, pilot], 0.005, limits32);
  const sum = (c: readonly number[]) => c.reduce((a, n) => a + n, 0);
  assert.deepEqual([sum(ff), sum(kg)], [1486, 3195]);
  // Each reaches the target under its own interval with the hits projected at the pilot's rates.
  const at = (c: readonly number[]) => c.map((n, h) => ({ weight: 1 / 32, n, hits: (hits[h]! * n) / 4 }));
  assert.ok(halfWidth(at(ff), 0.99, 'fay-feuer') <= 0.005 && halfWidth(at(kg), 0.99) <= 0.005);
  // The floor: at least ln(100)·W_h/W = 47 draws each (a stratum holding a whole half-width of rate shows a hit with
  // probability ≥ 99%), the rest to the stratum with hits; with no hits anywhere, equal shares.
  const two = (a: number, b: number) => [
    { weight: 0.5, n: 10, hits: a },
    { weight: 0.5, n: 10, hits: b },
  ];
  assert.deepEqual(floorAllocation([two(0, 3)], [10, 10], 100, 2, 0.99, 0.05), [47, 53]);
  assert.deepEqual(floorAllocation([two(0, 0)], [10, 10], 100, 2, 0.99, 0.05), [50, 50]);
  // Never below what a stratum has, nor below the 47 that let a rate be seen, though the total is then passed.
  assert.deepEqual(floorAllocation([two(0, 3)], [60, 10], 100, 2, 0.99, 0.05), [60, 47]);
});
