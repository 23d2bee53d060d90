import { check } from '../core/errors.js';
import { defaultLevel, neymanAllocation, stratifiedRate, type StratumCount } from './stratified.js';
import { lowestRungReaching, roundTop } from './total-ladder.js';

/*
 * Sizing a stratified sample for a precision: given what a layer's sample has shown so far (per rate, hits and n per
 * stratum), the per-stratum totals whose interval half-width is projected at most W on every rate. The projection
 * runs the reported interval itself (stratifiedRate: Clopper–Pearson / Korn–Graubard), with each stratum's observed
 * rate held, so it knows that a rate with no hits narrows as 1/n and one with hits as 1/√n. Allocation is Neyman per
 * rate (sd from the smoothed rate (x + ½)/(n + 1), so an all-0 stratum is not starved to nothing), and each stratum
 * takes the largest share any rate asks for and never less than it already has.
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
}

/** The smoothed sd of a stratum's rate, √(p̃(1−p̃)) with p̃ = (hits + ½)/(n + 1): Neyman's weight for the stratum. */
export function smoothedSd(hits: number, n: number): number {
  const p = (hits + 0.5) / (n + 1);
  return Math.sqrt(p * (1 - p));
}

/** Half-width (upper − lower)/2 of the reported interval of a stratified rate. */
export function halfWidth(strata: readonly StratumCount[], level: number = defaultLevel): number {
  const e = stratifiedRate(strata, level);
  return (e.upper - e.lower) / 2;
}

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
  const weights = rates[0]!.map((s) => s.weight);
  const level = limits.level ?? defaultLevel;
  const now = have.reduce((a, n) => a + n, 0);
  const floor = Math.max(limits.min * have.length, Math.ceil(now * limits.growth));
  const countsAt = (total: number): number[] => {
    const shares = rates.map((strata) =>
      neymanAllocation(
        total,
        strata.map((s) => ({ weight: s.weight, sd: smoothedSd(s.hits, s.n) })),
        limits.min,
      ),
    );
    return have.map((n, h) => Math.max(n, ...shares.map((a) => a[h]!)));
  };
  const reaches = (counts: readonly number[]): boolean =>
    rates.every(
      (strata, k) =>
        halfWidth(
          strata.map((s, h) => ({
            weight: weights[h]!,
            n: counts[h]!,
            hits: s.n > 0 ? (s.hits * counts[h]!) / s.n : 0,
          })),
          level,
        ) <= targetOf(halfwidth, k),
    );
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
  if (rates.every((strata, k) => halfWidth(strata, level) <= targetOf(halfwidth, k))) return undefined;
  const to = topUpCounts(rates, halfwidth, limits);
  return to.some((t, h) => t > have[h]!) ? to : undefined;
}
