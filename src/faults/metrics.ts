import { check } from '../core/errors.js';
import { weightedSum, z99, type Estimate } from './confidence.js';
import type { InjectionRecord as FaultsLine } from './records.js';
import { RunningMean } from './running-mean.js';

/*
 * Reliability metrics as DESIGN.md defines them, from per-injection records:
 * - an injection whose output is non-finite is a DUE (detected: a NaN/Inf check catches it). It is counted in
 *   `nonFinite`, is never a mismatch, and is left out of ΔLoss (as GoldenEye does). Every rate shares the denominator
 *   "all injections", so masked + mismatch (SDC) + non-finite (DUE) = 1 and the mismatch rate is the SDC probability
 *   a FIT estimate needs.
 * - mismatch rate p = mismatches / injections, 99% CI z·√(p(1−p)/n) (Wald, as DESIGN.md fixes; it is 0 at p = 0).
 * - ΔLoss = mean |CE_faulty − CE_golden| over finite injections, 99% CI z·σ/√n (σ with n − 1).
 * A record whose faulty loss is null or non-finite counts as non-finite even if its flag is unset.
 * Values are NaN where undefined (no finite injection; σ of one value); JSON.stringify writes those as null.
 */

/** The fields of one faults.jsonl record (`records.ts`) that metrics read. */
export type MetricsRecord = Pick<
  FaultsLine,
  'layer' | 'goldenTop1' | 'faultyTop1' | 'goldenLoss' | 'faultyLoss' | 'nonFinite'
>;

/** The earlier name of MetricsRecord, kept for existing imports; a faults.jsonl record is assignable to it. */
export type InjectionRecord = MetricsRecord;

/** One layer's summary: a flat plain object, ready for JSON and for a CSV row. */
export interface LayerMetrics {
  layer: string;
  injections: number;
  mismatches: number;
  mismatchRate: number;
  mismatchCi: number;
  nonFinite: number;
  nonFiniteRate: number;
  /** Injections with a finite output: the n of ΔLoss. */
  finite: number;
  deltaLoss: number;
  deltaLossCi: number;
}

/** CSV column order for LayerMetrics rows. */
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

/** Streaming per-layer tallies: O(1) memory whatever the number of records. */
export class LayerAccumulator {
  injections = 0;
  mismatches = 0;
  nonFinite = 0;
  readonly deltaLoss = new RunningMean();

  constructor(readonly layer: string) {}

  /** Counts one injection. */
  add(r: MetricsRecord): void {
    this.injections++;
    if (r.nonFinite || r.faultyLoss === null || !Number.isFinite(r.faultyLoss)) {
      this.nonFinite++;
      return;
    }
    if (r.faultyTop1 !== r.goldenTop1) this.mismatches++;
    this.deltaLoss.add(Math.abs(r.faultyLoss - r.goldenLoss));
  }

  /** Folds in another shard's tallies for the same layer. */
  merge(other: LayerAccumulator): void {
    this.injections += other.injections;
    this.mismatches += other.mismatches;
    this.nonFinite += other.nonFinite;
    this.deltaLoss.merge(other.deltaLoss);
  }

  /** The layer's metrics with 99% CIs. */
  summary(): LayerMetrics {
    const n = this.injections;
    const p = this.mismatches / n;
    return {
      layer: this.layer,
      injections: n,
      mismatches: this.mismatches,
      mismatchRate: p,
      mismatchCi: z99 * Math.sqrt((p * (1 - p)) / n),
      nonFinite: this.nonFinite,
      nonFiniteRate: this.nonFinite / n,
      finite: this.deltaLoss.count,
      deltaLoss: this.deltaLoss.count > 0 ? this.deltaLoss.mean : NaN,
      deltaLossCi: z99 * this.deltaLoss.standardError,
    };
  }
}

/** Streaming tallies for a whole campaign, one LayerAccumulator per layer in first-seen order. */
export class CampaignAccumulator {
  private readonly byLayer = new Map<string, LayerAccumulator>();

  /** Counts one injection under its layer. */
  add(r: MetricsRecord): void {
    let acc = this.byLayer.get(r.layer);
    if (!acc) this.byLayer.set(r.layer, (acc = new LayerAccumulator(r.layer)));
    acc.add(r);
  }

  /** Folds in another shard's tallies. */
  merge(other: CampaignAccumulator): void {
    for (const [layer, acc] of other.byLayer) {
      let mine = this.byLayer.get(layer);
      if (!mine) this.byLayer.set(layer, (mine = new LayerAccumulator(layer)));
      mine.merge(acc);
    }
  }

  /** Per-layer metrics, in `order` when given (e.g. graph order), else in first-seen order. */
  layers(order?: readonly string[]): LayerMetrics[] {
    const names = order ?? [...this.byLayer.keys()];
    return names.map((name) => {
      const acc = this.byLayer.get(name);
      check(
        acc,
        'bad_argument',
        () => `no injection records for layer '${name}'; layers with records: ${[...this.byLayer.keys()].join(', ')}`,
      );
      return acc.summary();
    });
  }
}

/** A layer's ΔLoss as an estimate. */
export function deltaLossOf(m: LayerMetrics): Estimate {
  return { value: m.deltaLoss, ci: m.deltaLossCi };
}

/** A layer's mismatch rate as an estimate. */
export function mismatchOf(m: LayerMetrics): Estimate {
  return { value: m.mismatchRate, ci: m.mismatchCi };
}

/**
 * Several layers seen as one (the text-guided head's latent E and projection C against the baseline's final Linear,
 * paper §5.2): each statistic is the neuron-count-weighted mean, the rate a fault landing on a uniformly chosen neuron
 * of the union would see; CIs propagate assuming independent campaigns. Counts are summed for the record, so here
 * the rates are not counts ÷ injections.
 */
export function combineLayers(
  layer: string,
  parts: readonly { metrics: LayerMetrics; neurons: number }[],
): LayerMetrics {
  const total = parts.reduce((s, p) => s + p.neurons, 0);
  check(
    parts.length > 0 && total > 0 && parts.every((p) => p.neurons > 0),
    'bad_argument',
    () =>
      `combining layers into '${layer}' needs at least one layer and positive neuron counts; got ${parts.map((p) => `${p.metrics.layer}=${p.neurons}`).join(', ')}`,
  );
  const mean = (pick: (m: LayerMetrics) => Estimate) =>
    weightedSum(parts.map((p) => ({ weight: p.neurons / total, estimate: pick(p.metrics) })));
  const sum = (key: 'injections' | 'mismatches' | 'nonFinite' | 'finite') =>
    parts.reduce((s, p) => s + p.metrics[key], 0);
  const mismatch = mean(mismatchOf);
  const delta = mean(deltaLossOf);
  return {
    layer,
    injections: sum('injections'),
    mismatches: sum('mismatches'),
    mismatchRate: mismatch.value,
    mismatchCi: mismatch.ci,
    nonFinite: sum('nonFinite'),
    nonFiniteRate: parts.reduce((s, p) => s + (p.neurons / total) * p.metrics.nonFiniteRate, 0),
    finite: sum('finite'),
    deltaLoss: delta.value,
    deltaLossCi: delta.ci,
  };
}

/** Whole-model summary: every layer weighs the same, as the paper averages per-layer ΔLoss. */
export interface OverallMetrics {
  layers: number;
  injections: number;
  mismatches: number;
  nonFinite: number;
  mismatchRate: number;
  mismatchCi: number;
  deltaLoss: number;
  deltaLossCi: number;
}

/** Mean over the given layers of ΔLoss and mismatch rate, CIs propagated assuming independent layers (√Σci² / L). */
export function overallMetrics(layers: readonly LayerMetrics[]): OverallMetrics {
  check(layers.length > 0, 'bad_argument', () => 'overall metrics need at least one layer with injections; got none');
  const w = 1 / layers.length;
  const mismatch = weightedSum(layers.map((m) => ({ weight: w, estimate: mismatchOf(m) })));
  const delta = weightedSum(layers.map((m) => ({ weight: w, estimate: deltaLossOf(m) })));
  return {
    layers: layers.length,
    injections: layers.reduce((s, m) => s + m.injections, 0),
    mismatches: layers.reduce((s, m) => s + m.mismatches, 0),
    nonFinite: layers.reduce((s, m) => s + m.nonFinite, 0),
    mismatchRate: mismatch.value,
    mismatchCi: mismatch.ci,
    deltaLoss: delta.value,
    deltaLossCi: delta.ci,
  };
}
