import { check, invariant } from '../../core/errors.js';
import { zForLevel } from '../../stats/normal.js';
import { rateInterval, type RateInterval } from '../../stats/rate-intervals.js';
import {
  defaultLevel,
  stratifiedMean,
  weightedEstimate,
  type IntervalEstimate,
  type StratumCount,
} from '../../stats/stratified.js';
import type { Estimate } from '../../stats/confidence.js';
import type { InjectionRecord as FaultsLine } from '../store/records.js';
import type { LayerMetrics, StratumTally } from '../../run-folder/summary.js';

/*
 * Reliability metrics from per-injection records (DESIGN.md "Definitions"). Every rate shares the denominator "all
 * injections" of the layer (or stratum), so masked + SDC + DUE = 1:
 * - DUE: the output is non-finite, or a guard `detected` the fault (a record whose faulty loss is null or non-finite
 *   counts as non-finite even if its flag is unset). A DUE is never an SDC, never critical, and is left out of ΔLoss
 *   (as GoldenEye does) — DUE is its own metric.
 * - SDC (the paper's mismatch): a finite, undetected output whose top-1 differs from the golden one.
 * - critical(τ): a finite, undetected output with ΔLoss > τ, for each threshold τ (default 0.1, 1, 10).
 * - mean ΔLoss = mean |CE_faulty − CE_golden| over finite, undetected injections (the paper's, heavy-tailed).
 * Rates get exact intervals (Clopper–Pearson; Korn–Graubard when stratified or combined), mean ΔLoss the paper's
 * normal z·σ/√n. Tallies are kept per stratum: one (bit null) for a uniform plan, one per bit for `--stratify bit`,
 * each with its population weight; combined units (the text-guided last layer, overall) are strata of strata.
 * Values are NaN where undefined; JSON.stringify writes NaN and ±∞ as null.
 */

/** Critical-fault thresholds τ when none are given: P(ΔLoss > 0.1), P(ΔLoss > 1), P(ΔLoss > 10). */
export const defaultTau: readonly number[] = [0.1, 1, 10];

/** The fields of one faults.jsonl record (`records.ts`) that metrics read; `bit` is the stratum when stratified. */
export type MetricsRecord = Pick<
  FaultsLine,
  'layer' | 'goldenTop1' | 'faultyTop1' | 'goldenLoss' | 'faultyLoss' | 'nonFinite'
> &
  Partial<Pick<FaultsLine, 'detected' | 'bit'>>;

// The stored shape of metrics (summary.json) is defined once, by its schema; this module computes values of it.
export type { LayerMetrics, StratumTally } from '../../run-folder/summary.js';
/** The flat (scalar) fields of LayerMetrics, in CSV column order. */
export const layerMetricsColumns = [
  'layer',
  'injections',
  'mismatches',
  'mismatchRate',
  'mismatchCi',
  'nonFinite',
  'nonFiniteRate',
  'finite',
  'deltaLoss',
  'deltaLossCi',
] as const satisfies readonly (keyof LayerMetrics)[];

/**
 * What a campaign's intervals are computed with: its level (a --halfwidth plan's γ; default 99%) and its rate interval
 * (default Korn–Graubard), both from its plan.
 */
export interface IntervalSetting {
  level?: number;
  interval?: RateInterval;
}

/** What a metric counts in a stratum, for the rate estimators. */
export type RateOf = (s: StratumTally) => number;

/** The rate metrics by name: SDC, DUE and critical(τ_i). */
export const rateOf = {
  sdc: (s: StratumTally) => s.sdc,
  due: (s: StratumTally) => s.due,
  critical: (i: number) => (s: StratumTally) => s.critical[i]!,
};

/** A unit's strata as counts of one metric, for stratifiedRate and rateRatio. */
export function countsOf(strata: readonly StratumTally[], hits: RateOf): StratumCount[] {
  return strata.map((s) => ({ weight: s.weight, n: s.n, hits: hits(s) }));
}

/** Mean ΔLoss of one unit from its strata: each stratum weighs W_h × its finite share, as a uniform sample would. */
function meanOfStrata(strata: readonly StratumTally[], level: number): IntervalEstimate {
  return stratifiedMean(
    strata.map((s) => ({
      weight: s.n > 0 ? (s.weight * s.finite) / s.n : s.weight,
      n: s.finite,
      mean: s.mean,
      m2: s.m2,
    })),
    level,
  );
}

/**
 * Every metric of a unit from its strata — the one path for records, summary.json and combined units. `meanDeltaLoss`
 * is given for combined units (the mean of their parts' means, as the paper averages layers).
 */
export function metricsFromStrata(
  layer: string,
  strata: readonly StratumTally[],
  tau: readonly number[],
  at: IntervalSetting & { meanDeltaLoss?: IntervalEstimate } = {},
): LayerMetrics {
  const level = at.level ?? defaultLevel;
  const rate = (hits: RateOf) => rateInterval(countsOf(strata, hits), level, at.interval);
  const meanDeltaLoss = at.meanDeltaLoss ?? meanOfStrata(strata, level);
  for (const s of strata)
    invariant(
      s.critical.length === tau.length,
      `stratum of ${layer} has ${s.critical.length} critical counts for ${tau.length} thresholds`,
    );
  const sum = (pick: (s: StratumTally) => number) => strata.reduce((a, s) => a + pick(s), 0);
  const z = zForLevel(level);
  const sdc = rate(rateOf.sdc);
  const due = rate(rateOf.due);
  return {
    layer,
    injections: sum((s) => s.n),
    mismatches: sum((s) => s.sdc),
    mismatchRate: sdc.value,
    mismatchCi: z * sdc.se,
    nonFinite: sum((s) => s.due),
    nonFiniteRate: due.value,
    finite: sum((s) => s.finite),
    deltaLoss: meanDeltaLoss.value,
    deltaLossCi: z * meanDeltaLoss.se,
    tau: [...tau],
    sdc,
    due,
    critical: tau.map((_, i) => rate(rateOf.critical(i))),
    meanDeltaLoss,
    strata: strata.map((s) => ({ ...s, critical: [...s.critical] })),
  };
}

/**
 * Several units seen as one, part i weighing `weight_i` (normalised): its strata are the parts' strata with weights
 * multiplied through, so rates are stratified over all of them; mean ΔLoss is Σ wᵢ·meanᵢ with se² = Σ wᵢ²·seᵢ²
 * (independent campaigns). The unit's counts are sums, so its rates are not counts ÷ injections.
 */
export function combineUnits(
  layer: string,
  parts: readonly { metrics: LayerMetrics; weight: number }[],
  at: IntervalSetting = {},
): LayerMetrics {
  const total = parts.reduce((s, p) => s + p.weight, 0);
  const tau = parts[0]?.metrics.tau ?? [...defaultTau];
  for (const p of parts)
    invariant(p.metrics.tau.join() === tau.join(), `τ of ${p.metrics.layer} differs from ${parts[0]!.metrics.layer}'s`);
  const strata = parts.flatMap((p) => {
    const within = p.metrics.strata.reduce((s, x) => s + x.weight, 0);
    return p.metrics.strata.map((s) => ({ ...s, weight: (p.weight / total) * (s.weight / within) }));
  });
  const mean = weightedEstimate(
    parts.map((p) => ({ weight: p.weight, estimate: p.metrics.meanDeltaLoss })),
    at.level ?? defaultLevel,
  );
  return metricsFromStrata(layer, strata, tau, { ...at, meanDeltaLoss: mean });
}

/**
 * The text-guided head's latent E and projection C against the baseline's final Linear (paper §5.2): each statistic
 * is the neuron-count-weighted mean, what a fault landing on a uniformly chosen neuron of the union would see.
 */
export function combineLayers(
  layer: string,
  parts: readonly { metrics: LayerMetrics; neurons: number }[],
  at: IntervalSetting = {},
): LayerMetrics {
  const total = parts.reduce((s, p) => s + p.neurons, 0);
  check(
    parts.length > 0 && total > 0 && parts.every((p) => p.neurons > 0),
    'bad_argument',
    () =>
      `combining layers into '${layer}' needs at least one layer and positive neuron counts; got ${parts.map((p) => `${p.metrics.layer}=${p.neurons}`).join(', ')}`,
  );
  if (parts.length === 1) return { ...parts[0]!.metrics, layer };
  return combineUnits(
    layer,
    parts.map((p) => ({ metrics: p.metrics, weight: p.neurons })),
    at,
  );
}

/** The whole model's metrics and how many layer slots they average. */
export type OverallMetrics = LayerMetrics & { slots: number };

/**
 * Whole-model summary, like for like: every layer slot weighs the same, and the model's last layer is ONE slot (for a
 * text-guided head the neuron-weighted latent + projection, as in the last-layer figure), so a baseline and a
 * text-guided model built on the same backbone both have as many slots as the backbone has layers plus one.
 */
export function overallMetrics(
  layers: readonly LayerMetrics[],
  lastLayer: LayerMetrics | null,
  lastNames: readonly string[],
  at: IntervalSetting = {},
): OverallMetrics {
  check(layers.length > 0, 'bad_argument', () => 'overall metrics need at least one layer with injections; got none');
  // A campaign restricted to other layers (--layers) has no last-layer slot.
  const last = new Set(lastLayer ? lastNames : []);
  const slots = [...layers.filter((m) => !last.has(m.layer)), ...(lastLayer ? [lastLayer] : [])];
  return {
    ...combineUnits(
      'overall',
      slots.map((metrics) => ({ metrics, weight: 1 })),
      at,
    ),
    slots: slots.length,
  };
}

/** A layer's mean ΔLoss as value ± the paper's half-width. */
export function deltaLossOf(m: LayerMetrics): Estimate {
  return { value: m.deltaLoss, ci: m.deltaLossCi };
}

/** A layer's SDC (mismatch) rate as value ± the paper's half-width. */
export function mismatchOf(m: LayerMetrics): Estimate {
  return { value: m.mismatchRate, ci: m.mismatchCi };
}
