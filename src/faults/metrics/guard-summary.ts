import type { CampaignPlan } from '../plan/plan.js';
import type { InjectionRecord } from '../store/records.js';
import type { GuardSummary } from '../../run-folder/summary.js';

/** The quantiles of undetected ΔLoss a guard summary reports. */
export const guardQuantiles = [0.5, 0.9, 0.99, 0.999] as const;

/** What summary.json says about a campaign's score guard, as its schema defines it. */
export type { GuardSummary } from '../../run-folder/summary.js';

/** Quantile p of ascending `sorted` by linear interpolation between order statistics (R's type 7, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Streams a campaign's records into its GuardSummary (records of every layer, any order). */
export class GuardAccumulator {
  private readonly deltas: number[] = [];
  private readonly perLayer = new Map<string, { injections: number; detected: number; maxDeltaLoss: number }>();

  /** Adds one record. */
  add(r: InjectionRecord): void {
    let l = this.perLayer.get(r.layer);
    if (!l) this.perLayer.set(r.layer, (l = { injections: 0, detected: 0, maxDeltaLoss: 0 }));
    l.injections++;
    if (r.detected || r.nonFinite || r.faultyLoss === null) {
      l.detected += r.detected ? 1 : 0;
      return;
    }
    const d = Math.abs(r.faultyLoss - r.goldenLoss);
    this.deltas.push(d);
    l.maxDeltaLoss = Math.max(l.maxDeltaLoss, d);
  }

  /** The summary for a guarded plan; undefined when the plan has no guard. */
  result(plan: CampaignPlan): GuardSummary | undefined {
    if (plan.guard === 'none' || !plan.guardBounds || plan.guardDeltaLossBound === undefined) return undefined;
    const sorted = Float64Array.from(this.deltas).sort();
    const layers = plan.layers.map((pl) => ({
      layer: pl.name,
      ...(this.perLayer.get(pl.name) ?? { injections: 0, detected: 0, maxDeltaLoss: 0 }),
    }));
    return {
      kind: plan.guard,
      bounds: [...plan.guardBounds],
      provenDeltaLoss: plan.guardDeltaLossBound,
      injections: layers.reduce((s, l) => s + l.injections, 0),
      detected: layers.reduce((s, l) => s + l.detected, 0),
      deltaLoss: {
        n: sorted.length,
        mean: sorted.length ? sorted.reduce((s, x) => s + x, 0) / sorted.length : NaN,
        max: sorted.length ? sorted[sorted.length - 1]! : NaN,
        quantiles: guardQuantiles.map((p) => ({ p, value: quantileSorted(sorted, p) })),
      },
      layers,
    };
  }
}

/** One line for `tgr inject`: what the guard caught and the measured ΔLoss beside the proven bound. */
export function guardLine(g: GuardSummary): string {
  const f = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : 'n/a');
  return `guard ${g.kind}: ${g.detected} of ${g.injections} detected (DUE); undetected ΔLoss max ${f(g.deltaLoss.max)}, p99 ${f(g.deltaLoss.quantiles.find((q) => q.p === 0.99)?.value ?? NaN)}, proven bound ${f(g.provenDeltaLoss)}`;
}
