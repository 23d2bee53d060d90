import { check, invariant } from '../core/errors.js';
import { clopperPearson } from './clopper-pearson.js';
import { zForLevel } from './normal.js';

/** Hits among n draws from one stratum of population weight `weight`. */
export interface StratumCount {
  weight: number;
  n: number;
  hits: number;
}

/** Mean of n draws from one stratum; m2 = Σ(x − mean)² (Welford), so strata merge without the records. */
export interface StratumMean {
  weight: number;
  n: number;
  mean: number;
  m2: number;
}

/** An estimate with its interval at some level; `method` names how the interval was made. */
export interface IntervalEstimate {
  value: number;
  lower: number;
  upper: number;
  se: number;
  method: string;
}

/** The level every interval in tgr uses unless told otherwise: the paper's 99%. */
export const defaultLevel = 0.99;

const undefinedEstimate = (method: string): IntervalEstimate => ({
  value: NaN,
  lower: -Infinity,
  upper: Infinity,
  se: NaN,
  method,
});

/**
 * Strata that count (weight > 0), weights normalised to sum to 1 so a caller may pass raw population sizes. A stratum
 * of weight 0 is outside the population and ignored whatever its n.
 */
export function liveStrata<T extends { weight: number; n: number }>(strata: readonly T[]): T[] {
  for (const s of strata) {
    invariant(Number.isFinite(s.weight) && s.weight >= 0, `stratum weight ${s.weight} must be finite and ≥ 0`);
    invariant(Number.isInteger(s.n) && s.n >= 0, `stratum size ${s.n} must be an integer ≥ 0`);
  }
  const live = strata.filter((s) => s.weight > 0);
  const total = live.reduce((a, s) => a + s.weight, 0);
  return live.map((s) => ({ ...s, weight: s.weight / total }));
}

/**
 * One stratum of weight 1: exact Clopper–Pearson. Several: Korn–Graubard (1998) effective-n Clopper–Pearson — the
 * stratified p̂ = Σ W_h·p̂_h, then Clopper–Pearson on n_eff = p̃(1−p̃)/ṽ hits p̂·n_eff. The variance ṽ = Σ
 * W_h²·p̃_h(1−p̃_h)/n_h (and p̃ = Σ W_h·p̃_h) uses p̃_h = (hits_h + ½)/(n_h + 1), so a stratum that read all 0 or all 1
 * still carries variance: it cannot claim infinite precision, and with equal strata that all read 0 n_eff is the real
 * n, as for one stratum. n_eff is not capped at n: the gain of a stratified plan (strata that differ) is exactly n_eff
 * > n. The ground-truth test (test/faults/plan/stratified-ground-truth.test.ts) holds its coverage.
 */
export function stratifiedRate(strata: readonly StratumCount[], level: number = defaultLevel): IntervalEstimate {
  for (const s of strata) invariant(s.hits >= 0 && s.hits <= s.n, `stratum hits ${s.hits} must lie in 0..${s.n}`);
  const live = liveStrata(strata);
  const method = live.length === 1 ? 'clopper-pearson' : 'korn-graubard';
  if (live.length === 0 || live.some((s) => s.n === 0)) return undefinedEstimate(method);
  let value = 0;
  let variance = 0;
  let smoothed = 0;
  let smoothedVariance = 0;
  for (const s of live) {
    const p = s.hits / s.n;
    const q = (s.hits + 0.5) / (s.n + 1);
    value += s.weight * p;
    variance += (s.weight * s.weight * p * (1 - p)) / s.n;
    smoothed += s.weight * q;
    smoothedVariance += (s.weight * s.weight * q * (1 - q)) / s.n;
  }
  if (live.length === 1) {
    return { value, ...clopperPearson(live[0]!.hits, live[0]!.n, level), se: Math.sqrt(variance), method };
  }
  const nEff = (smoothed * (1 - smoothed)) / smoothedVariance;
  const xEff = Math.min(nEff, value * nEff);
  return { value, ...clopperPearson(xEff, nEff, level), se: Math.sqrt(variance), method };
}

/**
 * Σ W_h·mean_h with se² = Σ W_h²·s_h²/n_h (s_h² = m2/(n_h − 1)) and the normal interval value ± z·se, z = 2.576 at
 * 0.99 (the paper's). One stratum of weight 1 is exactly the paper's mean ± z·σ/√n. A stratum with n = 1 has no
 * spread estimate: the value stands, the interval is unbounded.
 */
export function stratifiedMean(strata: readonly StratumMean[], level: number = defaultLevel): IntervalEstimate {
  const live = liveStrata(strata);
  const method = live.length === 1 ? 'normal' : 'stratified-normal';
  if (live.length === 0 || live.some((s) => s.n === 0)) return undefinedEstimate(method);
  let value = 0;
  let variance = 0;
  for (const s of live) {
    value += s.weight * s.mean;
    variance += s.n < 2 ? NaN : (s.weight * s.weight * s.m2) / (s.n - 1) / s.n;
  }
  const se = Math.sqrt(variance);
  if (!Number.isFinite(se)) return { value, lower: -Infinity, upper: Infinity, se: NaN, method };
  const z = zForLevel(level);
  return { value, lower: value - z * se, upper: value + z * se, se, method };
}

/**
 * Integers summing to total, n_h ∝ W_h·sd_h (Neyman 1934: the allocation that minimises the stratified mean's
 * variance), each ≥ min so every stratum keeps a variance estimate. Strata the formula would put below min are fixed at
 * min and the rest re-shared; rounding is largest-remainder (ties to the lower index). When every W_h·sd_h is 0 (a
 * pilot that saw no spread) the allocation is proportional to W_h.
 */
export function neymanAllocation(
  total: number,
  strata: readonly { weight: number; sd: number }[],
  min: number = 2,
): number[] {
  check(
    strata.length > 0 && Number.isInteger(total) && Number.isInteger(min) && min >= 0 && total >= min * strata.length,
    'bad_argument',
    () =>
      `Neyman allocation of ${total} sites over ${strata.length} strata needs at least ${min} per stratum ` +
      `(${min * strata.length} in all); raise the sample size or lower the minimum`,
  );
  for (const s of strata) {
    invariant(Number.isFinite(s.weight) && s.weight >= 0, `stratum weight ${s.weight} must be finite and ≥ 0`);
    invariant(Number.isFinite(s.sd) && s.sd >= 0, `stratum sd ${s.sd} must be finite and ≥ 0`);
  }
  const neyman = strata.map((s) => s.weight * s.sd);
  const score = neyman.some((w) => w > 0) ? neyman : strata.map((s) => s.weight);
  const fixed = score.map((w) => !(w > 0));
  let share: number[] = [];
  for (;;) {
    const free = total - min * fixed.filter(Boolean).length;
    const sum = score.reduce((a, w, i) => (fixed[i] ? a : a + w), 0);
    share = score.map((w, i) => (fixed[i] ? min : (free * w) / sum));
    const low = share.findIndex((a, i) => !fixed[i] && a < min);
    if (low < 0) break;
    share.forEach((a, i) => {
      if (!fixed[i] && a < min) fixed[i] = true;
    });
  }
  const counts = share.map((a) => Math.floor(a));
  let left = total - counts.reduce((a, c) => a + c, 0);
  const order = share.map((a, i) => ({ i, r: a - Math.floor(a) })).sort((x, y) => y.r - x.r || x.i - y.i);
  for (let k = 0; left > 0; k++, left--) counts[order[k % order.length]!.i]!++;
  return counts;
}

/**
 * Σ W_i·value_i of independent normal estimates (weights normalised), se² = Σ W_i²·se_i², normal interval: a
 * stratified mean from its strata's own estimates (the mean ΔLoss of a last layer or of the whole model from its
 * layers'). An undefined part makes the value NaN; a part without a spread estimate leaves the interval unbounded.
 */
export function weightedEstimate(
  parts: readonly { weight: number; estimate: { value: number; se: number } }[],
  level: number = defaultLevel,
): IntervalEstimate {
  const live = parts.filter((p) => p.weight > 0);
  const total = live.reduce((a, p) => a + p.weight, 0);
  let value = 0;
  let variance = 0;
  for (const { weight, estimate } of live) {
    value += (weight / total) * estimate.value;
    variance += (weight / total) ** 2 * estimate.se ** 2;
  }
  if (live.length === 0 || Number.isNaN(value)) return undefinedEstimate('stratified-normal');
  const se = Math.sqrt(variance);
  if (!Number.isFinite(se)) return { value, lower: -Infinity, upper: Infinity, se: NaN, method: 'stratified-normal' };
  const z = zForLevel(level);
  return { value, lower: value - z * se, upper: value + z * se, se, method: 'stratified-normal' };
}
