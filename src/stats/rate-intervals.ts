import { fayFeuerRate } from './fay-feuer.js';
import { defaultLevel, stratifiedRate, type IntervalEstimate, type StratumCount } from './stratified.js';

/**
 * The intervals a stratified rate can be reported with, each with the allocation it pays under. One stratum gets exact
 * Clopper–Pearson from either. A campaign names its interval in plan.json (`interval`; absent: Korn–Graubard), so its
 * summary, analysis and report compute the one its rounds stopped on.
 */
export const rateIntervals = {
  'korn-graubard': {
    describe: 'Korn–Graubard effective-n Clopper–Pearson; pays under equal or Neyman allocation',
    rate: stratifiedRate,
  },
  'fay-feuer': {
    describe: 'Fay–Feuer gamma interval; pays when strata without hits share one floor and the rest go Neyman on √p̂',
    rate: fayFeuerRate,
  },
} as const satisfies Record<
  string,
  { describe: string; rate: (s: readonly StratumCount[], level?: number) => IntervalEstimate }
>;

/** A rate interval's name. */
export type RateInterval = keyof typeof rateIntervals;

/** What a campaign without an `interval` uses. */
export const defaultRateInterval: RateInterval = 'korn-graubard';

/** The names, in table order (plan.json's schema takes these). */
export const rateIntervalNames = Object.keys(rateIntervals) as [RateInterval, ...RateInterval[]];

/** A stratified rate and its interval at `level` by the named method. */
export function rateInterval(
  strata: readonly StratumCount[],
  level: number = defaultLevel,
  interval: RateInterval = defaultRateInterval,
): IntervalEstimate {
  return rateIntervals[interval].rate(strata, level);
}
