import { check } from '../core/errors.js';
import { fayFeuerLimits } from './fay-feuer.js';
import { defaultRateInterval, rateInterval, type RateInterval } from './rate-intervals.js';
import { defaultLevel, neymanAllocation, type StratumCount } from './stratified.js';
import { lowestRungReaching, roundTop } from './total-ladder.js';

/*
 * Sizing a stratified sample for a precision: given what a layer's sample has shown so far (per rate, hits and n per
 * stratum), the per-stratum totals whose interval half-width is projected at most W on every rate. The projection
 * runs the reported interval itself (rate-intervals.ts), with each stratum's observed rate held, so it knows that a
 * rate with no hits narrows as 1/n and one with hits as 1/√n. Allocation follows the interval:
 * - Korn–Graubard: Neyman per rate (sd from the smoothed rate (x + ½)/(n + 1), so an all-0 stratum is not starved to
 *   nothing), each stratum taking the largest share any rate asks for;
 * - Fay–Feuer: one floor for every stratum, the rest ∝ W_h·√p̂_h (the largest p̂_h over the rates; Neyman for Poisson
 *   counts), at the floor that narrows the widest rate most — so a stratum without hits costs only the floor.
 * Either way a stratum never gets less than it already has.
 */

/**
 * How a top-up may grow: every stratum at least `min`, the total at most `cap`, a round at least ×`growth` and, with
 * `maxGrowth`, at most the rung at ×`maxGrowth` (a projection from a small sample is not trusted further than that).
 */
export interface TopUpLimits {
  min: number;
  cap: number;
  growth: number;
  maxGrowth?: number;
  level?: number;
  /** The interval the rates are reported with, and so how a total is shared (default Korn–Graubard). */
  interval?: RateInterval;
}

/** The smoothed sd of a stratum's rate, √(p̃(1−p̃)) with p̃ = (hits + ½)/(n + 1): Neyman's weight for the stratum. */
export function smoothedSd(hits: number, n: number): number {
  const p = (hits + 0.5) / (n + 1);
  return Math.sqrt(p * (1 - p));
}

/** Half-width (upper − lower)/2 of the reported interval of a stratified rate. */
export function halfWidth(
  strata: readonly StratumCount[],
  level: number = defaultLevel,
  interval: RateInterval = defaultRateInterval,
): number {
  const e = rateInterval(strata, level, interval);
  return (e.upper - e.lower) / 2;
}

/** A rate's strata at `counts`, each stratum's hits projected at its observed rate. */
const projected = (strata: readonly StratumCount[], counts: readonly number[]): StratumCount[] =>
  strata.map((s, h) => ({ weight: s.weight, n: counts[h]!, hits: s.n > 0 ? (s.hits * counts[h]!) / s.n : 0 }));

/** The target of rate k: one half-width for every rate, or one per rate. */
const targetOf = (halfwidth: number | readonly number[], k: number): number =>
  typeof halfwidth === 'number' ? halfwidth : halfwidth[k]!;

/**
 * Per-stratum totals (each ≥ what it has) whose projected half-width is ≤ `halfwidth` (one for all, or one per rate)
 * on every rate of `rates` (each a list of strata with the same weights and n), shared from the lowest total on the
 * ladder (total-ladder.ts: steps of 1/64) that reaches it; the most within `limits.cap` (in all) when even that does
 * not. The projection keeps each stratum's observed rate, hits scaled with n.
 */
export function topUpCounts(
  rates: readonly (readonly StratumCount[])[],
  halfwidth: number | readonly number[],
  limits: TopUpLimits,
): number[] {
  rates.forEach((_, k) => {
    const w = targetOf(halfwidth, k);
    check(w > 0 && w < 0.5, 'bad_argument', () => `--halfwidth must be a proportion in (0, 0.5), e.g. 0.005; got ${w}`);
  });
  const have = rates[0]!.map((s) => s.n);
  const level = limits.level ?? defaultLevel;
  const interval = limits.interval ?? defaultRateInterval;
  const now = have.reduce((a, n) => a + n, 0);
  const floor = Math.max(limits.min * have.length, Math.ceil(now * limits.growth));
  const reaches = (counts: readonly number[]): boolean =>
    rates.every((strata, k) => halfWidth(projected(strata, counts), level, interval) <= targetOf(halfwidth, k));
  const neymanAt = (total: number): number[] => {
    const shares = rates.map((strata) =>
      neymanAllocation(
        total,
        strata.map((s) => ({ weight: s.weight, sd: smoothedSd(s.hits, s.n) })),
        limits.min,
      ),
    );
    return have.map((n, h) => Math.max(n, ...shares.map((a) => a[h]!)));
  };
  const countsAt =
    interval === 'fay-feuer'
      ? (total: number) => floorAllocation(rates, have, total, limits.min, level, halfwidth)
      : neymanAt;
  // Strata keep what they have, so the counts can sum past the total they were shared from: the largest total whose
  // counts stay within the cap is the real top.
  const sum = (c: readonly number[]) => c.reduce((a, n) => a + n, 0);
  let top = Math.max(limits.cap, limits.min * have.length);
  if (sum(countsAt(top)) > limits.cap) {
    let [fits, over] = [limits.min * have.length, top];
    while (over - fits > 1) {
      const mid = Math.floor((fits + over) / 2);
      if (sum(countsAt(mid)) <= limits.cap) fits = mid;
      else over = mid;
    }
    top = fits;
  }
  return countsAt(lowestRungReaching(floor, roundTop(now, floor, top, limits.maxGrowth), (t) => reaches(countsAt(t))));
}

/**
 * Fay–Feuer's allocation of `total`: every stratum at one floor f ≥ `min` (or what it has, or ln(100)·W_h/W for the
 * smallest target W up to its proportional share, if more), what is left ∝ W_h·√p̂_h (p̂_h the largest observed rate
 * over `rates`); f is the one (by golden-section search over log f) whose projected Fay–Feuer half-widths, each over
 * its target, are narrowest at their widest. With no hits anywhere the floor takes everything: equal shares.
 */
export function floorAllocation(
  rates: readonly (readonly StratumCount[])[],
  have: readonly number[],
  total: number,
  min: number,
  level: number,
  halfwidth: number | readonly number[],
): number[] {
  const weights = rates[0]!.map((s) => s.weight);
  const sum = weights.reduce((a, w) => a + w, 0);
  const sd = weights.map((_, h) => Math.sqrt(Math.max(...rates.map((r) => (r[h]!.n > 0 ? r[h]!.hits / r[h]!.n : 0)))));
  const score = sd.reduce((a, s, h) => a + weights[h]! * s, 0);
  // A stratum whose share of the rate is a whole target half-width (W_h·p_h = W) shows a hit among ln(100)·W_h/W draws
  // with probability ≥ 99%: fewer would let a rate no draw has seen yet stop the rounds (bench/halfwidth-replay.ts).
  const narrowest = Math.min(...rates.map((_, k) => targetOf(halfwidth, k)));
  // Never past a proportional share, so the floors fit in the total (and a cap bounds them).
  const seen = weights.map((w) =>
    Math.min(Math.ceil((Math.log(100) * w) / sum / narrowest), Math.floor((total * w) / sum)),
  );
  const at = (f: number): number[] => {
    const base = have.map((n, h) => Math.max(n, f, seen[h]!));
    const free = Math.max(0, total - base.reduce((a, n) => a + n, 0));
    return base.map((b, h) => b + (score > 0 ? Math.floor((free * weights[h]! * sd[h]!) / score) : 0));
  };
  const widest = (counts: readonly number[]): number =>
    Math.max(
      ...rates.map((strata, k) => {
        const e = fayFeuerLimits(
          projected(strata, counts).map((s) => ({ ...s, weight: s.weight / sum })),
          level,
        );
        return (e.upper - e.lower) / 2 / targetOf(halfwidth, k);
      }),
    );
  const top = Math.max(min, Math.floor(total / weights.length));
  if (score === 0) return at(top);
  // Golden-section over log f on [min, top], then the best integer of the last bracket.
  const cost = new Map<number, number>();
  const of = (f: number) => {
    let c = cost.get(f);
    if (c === undefined) cost.set(f, (c = widest(at(f))));
    return c;
  };
  let [lo, hi] = [Math.log(min), Math.log(top)];
  const g = (Math.sqrt(5) - 1) / 2;
  while (Math.round(Math.exp(hi)) - Math.round(Math.exp(lo)) > 2) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (of(Math.round(Math.exp(a))) <= of(Math.round(Math.exp(b)))) hi = b;
    else lo = a;
  }
  let best = Math.round(Math.exp(lo));
  for (let f = best + 1; f <= Math.round(Math.exp(hi)); f++) if (of(f) < of(best)) best = f;
  return at(best);
}

/**
 * The sequential rule for one sample (a layer): undefined when every rate's half-width is at most its target or the
 * total has reached the cap, else the per-stratum totals of the next round (topUpCounts).
 */
export function nextCounts(
  rates: readonly (readonly StratumCount[])[],
  halfwidth: number | readonly number[],
  limits: TopUpLimits,
): number[] | undefined {
  const level = limits.level ?? defaultLevel;
  const have = rates[0]!.map((s) => s.n);
  if (have.reduce((a, n) => a + n, 0) >= limits.cap) return undefined;
  if (rates.every((strata, k) => halfWidth(strata, level, limits.interval) <= targetOf(halfwidth, k))) return undefined;
  const to = topUpCounts(rates, halfwidth, limits);
  return to.some((t, h) => t > have[h]!) ? to : undefined;
}
