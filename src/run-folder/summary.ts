import { z } from 'zod';
import type { IntervalEstimate } from '../stats/stratified.js';
import { rateIntervalNames } from '../stats/rate-intervals.js';
import { measured } from './numbers.js';

/**
 * summary.json: one campaign's metrics (faults/metrics/summarize.ts computes and writes them, analysis and the report
 * read them). The metrics shape is defined here once; faults/metrics/metrics.ts computes values of it.
 */

/**
 * The metrics shape (an estimate with its interval, a stratum's tallies, a layer's metrics) over a number schema:
 * summary.json's `measured` (JSON's null read back as NaN) or analysis.json's `anyNumber` (±∞ and NaN kept). One
 * definition, so both files hold the same fields.
 */
export function metricsSchemas(num: z.ZodType<number>) {
  /** An estimate with its interval (stats/stratified.ts IntervalEstimate). */
  const intervalEstimate = z.object({
    value: num,
    lower: num,
    upper: num,
    se: num,
    method: z.string(),
  }) satisfies z.ZodType<IntervalEstimate>;
  /** One stratum's tallies: everything every metric needs, mergeable and small enough for summary.json. */
  const stratumTally = z.object({
    /** The bit position for a bit-stratified plan; null for a uniformly sampled layer (one stratum). */
    bit: z.number().int().nullable(),
    /** Population weight within its unit (a layer's strata sum to 1). */
    weight: z.number(),
    n: z.number().int(),
    sdc: z.number().int(),
    due: z.number().int(),
    /** Counts of finite, undetected injections with ΔLoss > τ, aligned with the thresholds. */
    critical: z.array(z.number().int()),
    /** Finite, undetected injections: the n of ΔLoss. */
    finite: z.number().int(),
    /** Mean and Σ(x − mean)² of ΔLoss over the finite ones (Welford); mean NaN (JSON null) when none. */
    mean: num,
    m2: num,
  });
  /** One layer's (or combined unit's) metrics. The flat fields are the paper's; the intervals are the verdict's. */
  const layerMetrics = z.object({
    layer: z.string(),
    injections: z.number().int(),
    mismatches: z.number().int(),
    /** SDC rate, its point estimate (stratified when the plan is). */
    mismatchRate: num,
    /** The paper's half-width z·se (z = 2.576): z·√(p(1−p)/n) for a uniform plan. */
    mismatchCi: num,
    /** DUE count: non-finite or detected. */
    nonFinite: z.number().int(),
    nonFiniteRate: num,
    /** Injections with a finite, undetected output: the n of ΔLoss. */
    finite: z.number().int(),
    /** The paper's mean ΔLoss and its half-width z·σ/√n. */
    deltaLoss: num,
    deltaLossCi: num,
    /** Critical-fault thresholds, aligned with `critical` here and in every stratum. */
    tau: z.array(z.number()),
    sdc: intervalEstimate,
    due: intervalEstimate,
    critical: z.array(intervalEstimate),
    meanDeltaLoss: intervalEstimate,
    strata: z.array(stratumTally),
  });
  /** What summary.json says about a campaign's score guard: the proof, and what the faults measured under it. */
  const guardSummary = z.object({
    kind: z.enum(['analytic', 'profiled']),
    /** Per-class bounds the scores were checked against. */
    bounds: z.array(z.number()),
    /** Proven: no undetected single fault on a pool image changes its loss by more (guard.ts poolDeltaLossBound). */
    provenDeltaLoss: num,
    injections: z.number().int(),
    /** Injections the guard caught (DUE): a score NaN or beyond its bound. */
    detected: z.number().int(),
    /** |CE_faulty − CE_golden| over the undetected injections (masked ones count as 0, as in the paper's mean). */
    deltaLoss: z.object({
      n: z.number().int(),
      mean: num,
      max: num,
      quantiles: z.array(z.object({ p: z.number(), value: num })),
    }),
    layers: z.array(
      z.object({ layer: z.string(), injections: z.number().int(), detected: z.number().int(), maxDeltaLoss: num }),
    ),
  });
  return { intervalEstimate, stratumTally, layerMetrics, guardSummary };
}

const stored = metricsSchemas(measured);
/** An estimate with its interval as summary.json stores it. */
export const intervalEstimateSchema = stored.intervalEstimate;
/** One stratum's tallies as summary.json stores them. */
export const stratumTallySchema = stored.stratumTally;
/** One layer's metrics as summary.json stores them. */
export const layerMetricsSchema = stored.layerMetrics;
/** A score guard's summary as summary.json stores it. */
export const guardSummarySchema = stored.guardSummary;

/** Per-layer statistics as summary.json stores them: the metrics plus the layer's size. */
export const layerStatsSchema = layerMetricsSchema.extend({
  /** The layer's neuron count (for a combined unit, the sum). */
  neurons: z.number().int(),
  /** Injections (= `injections`; the name summary.json has always had). */
  n: z.number().int(),
});

/** A Conv/Gemm/MatMul node no fault could land in, with the reason (plan.json's and summary.json's `leftOut`). */
export const leftOutSchema = z.object({
  name: z.string(),
  opType: z.enum(['Conv', 'Gemm', 'MatMul']),
  reason: z.string(),
});

/** summary.json's shape. */
export const summarySchema = z.object({
  model: z.string(),
  /** The number format's name (e.g. `fp32`), not the file's format version. */
  format: z.string(),
  errorModel: z.string(),
  target: z.enum(['neurons', 'weights']),
  rangeDetector: z.boolean(),
  seed: z.number().int(),
  perLayer: z.number().int(),
  /** 'bit' when the plan was bit-stratified (estimates are then the stratified ones); older summaries: 'none'. */
  stratify: z.enum(['none', 'bit']).optional(),
  /** Critical-fault thresholds τ the tallies used. */
  tau: z.array(z.number()),
  /**
   * A --halfwidth campaign's nominal level γ (plan.json's `level`): every interval here is computed at γ, which makes
   * the sequential procedure's interval a 99% one; absent: 0.99.
   */
  level: z.number().min(0.99).lt(1).optional(),
  /** The rate interval (plan.json's `interval`, a --halfwidth plan's): every rate's interval here is one; absent: Korn–Graubard. */
  interval: z.enum(rateIntervalNames).optional(),
  layers: z.array(layerStatsSchema),
  /** The last layer (for text-guided: latent + projection, neuron-weighted). */
  lastLayer: layerStatsSchema,
  /** The score guard's proven ΔLoss bound and the ΔLoss measured under it (guarded plans only). */
  guard: guardSummarySchema.optional(),
  /** Conv/Gemm/MatMul nodes no fault could land in, with the reason (plan.json's; absent when there are none). */
  leftOut: z.array(leftOutSchema).optional(),
  /** Mean over layer slots, the last layer counted once (metrics.ts overallMetrics). */
  overall: layerStatsSchema.extend({ slots: z.number().int() }),
});

/** One stratum's tallies. */
export type StratumTally = z.infer<typeof stratumTallySchema>;
/** One layer's (or combined unit's) metrics. */
export type LayerMetrics = z.infer<typeof layerMetricsSchema>;
/** Per-layer statistics as summary.json stores them. */
export type LayerStats = z.infer<typeof layerStatsSchema>;
/** A score guard's summary. */
export type GuardSummary = z.infer<typeof guardSummarySchema>;
/** A layer left out of a campaign, with the reason. */
export type LeftOutLayer = z.infer<typeof leftOutSchema>;
/** What summary.json holds for one campaign. */
export type CampaignSummary = z.infer<typeof summarySchema>;
