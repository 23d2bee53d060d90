import gammaQuantile from '@stdlib/stats-base-dists-gamma-quantile';
import { defaultLevel, liveStrata, stratifiedRate, type IntervalEstimate, type StratumCount } from './stratified.js';

/**
 * Fay–Feuer (1997) interval for a stratified rate Σ W_h·p_h, built for weighted sums of Poisson counts: with
 * w_h = W_h/n_h, y = Σ w_h·x_h and v = Σ w_h²·x_h, the lower end is the α/2 quantile of the gamma of mean y and
 * variance v, the upper the 1 − α/2 quantile of the gamma of mean y + w_max and variance v + w_max², w_max the largest
 * w_h: one pseudo-count of the coarsest stratum. That pseudo-count is all a stratum without hits costs, where
 * Korn–Graubard charges each such stratum half a hit of variance — which is why a plan that gives strata without hits a
 * common floor and the rest Neyman on √p̂ (halfwidth-size.ts) needs far fewer sites under it. With equal w_h it is
 * Garwood's exact Poisson interval scaled by w. Poisson variance bounds binomial variance, so under binomial sampling
 * it only errs wide; its coverage is enumerated in test/stats/fay-feuer.test.ts. One stratum: exact Clopper–Pearson,
 * as Korn–Graubard gives. The value and se are stratifiedRate's.
 */
export function fayFeuerRate(strata: readonly StratumCount[], level: number = defaultLevel): IntervalEstimate {
  const kg = stratifiedRate(strata, level);
  const live = liveStrata(strata);
  if (live.length === 1) return kg;
  if (live.length === 0 || live.some((s) => s.n === 0)) return { ...kg, method: 'fay-feuer' };
  return { value: kg.value, ...fayFeuerLimits(live, level), se: kg.se, method: 'fay-feuer' };
}

/** Fay–Feuer's two ends alone, for strata of weights summing to 1, each with n > 0 (what a projection needs). */
export function fayFeuerLimits(strata: readonly StratumCount[], level: number): { lower: number; upper: number } {
  const alpha = 1 - level;
  let y = 0;
  let v = 0;
  let wMax = 0;
  for (const s of strata) {
    const w = s.weight / s.n;
    y += w * s.hits;
    v += w * w * s.hits;
    wMax = Math.max(wMax, w);
  }
  const lower = y === 0 ? 0 : gammaQuantile(alpha / 2, (y * y) / v, y / v);
  const [yu, vu] = [y + wMax, v + wMax * wMax];
  return { lower, upper: Math.min(1, gammaQuantile(1 - alpha / 2, (yu * yu) / vu, yu / vu)) };
}
