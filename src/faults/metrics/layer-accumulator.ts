import { check, invariant } from '../../core/errors.js';
import {
  defaultTau,
  metricsFromStrata,
  type IntervalSetting,
  type LayerMetrics,
  type MetricsRecord,
  type StratumTally,
} from './metrics.js';
import { RunningMean } from '../../stats/running-mean.js';

/** How records are tallied: the critical thresholds, the bit strata's weights (null: uniform plan), the intervals. */
export interface TallyOptions extends IntervalSetting {
  tau?: readonly number[];
  /** Population weight of each bit (index = bit) for a bit-stratified plan; null or absent: one stratum. */
  weights?: readonly number[] | null;
}

/** One stratum's running tallies. */
class StratumAccumulator {
  n = 0;
  sdc = 0;
  due = 0;
  readonly critical: number[];
  readonly deltaLoss = new RunningMean();

  constructor(thresholds: number) {
    this.critical = new Array<number>(thresholds).fill(0);
  }

  merge(o: StratumAccumulator): void {
    this.n += o.n;
    this.sdc += o.sdc;
    this.due += o.due;
    o.critical.forEach((c, i) => (this.critical[i]! += c));
    this.deltaLoss.merge(o.deltaLoss);
  }
}

/** Streaming per-layer tallies, per stratum: O(strata) memory whatever the number of records; shards merge. */
export class LayerAccumulator {
  private readonly strata = new Map<number, StratumAccumulator>();
  readonly tau: readonly number[];
  private readonly weights: readonly number[] | null;
  private readonly at: IntervalSetting;

  constructor(
    readonly layer: string,
    opts: TallyOptions = {},
  ) {
    this.tau = opts.tau ?? defaultTau;
    this.weights = opts.weights ?? null;
    this.at = { level: opts.level, interval: opts.interval };
  }

  private stratum(key: number): StratumAccumulator {
    let s = this.strata.get(key);
    if (!s) this.strata.set(key, (s = new StratumAccumulator(this.tau.length)));
    return s;
  }

  /** Counts one injection (in its bit's stratum when the plan is bit-stratified). */
  add(r: MetricsRecord): void {
    let key = -1;
    if (this.weights) {
      check(
        r.bit !== undefined && r.bit >= 0 && r.bit < this.weights.length,
        'bad_file',
        () =>
          `a record of layer '${r.layer}' has bit ${r.bit}; the plan's bit strata are 0..${this.weights!.length - 1}`,
      );
      key = r.bit;
    }
    const s = this.stratum(key);
    s.n++;
    if (r.nonFinite || r.detected || r.faultyLoss === null || !Number.isFinite(r.faultyLoss)) {
      s.due++;
      return;
    }
    if (r.faultyTop1 !== r.goldenTop1) s.sdc++;
    const d = Math.abs(r.faultyLoss - r.goldenLoss);
    this.tau.forEach((t, i) => {
      if (d > t) s.critical[i]!++;
    });
    s.deltaLoss.add(d);
  }

  /** Folds in another shard's tallies for the same layer. */
  merge(other: LayerAccumulator): void {
    invariant(other.tau.join() === this.tau.join(), `merging tallies of ${this.layer} with different τ`);
    for (const [key, s] of other.strata) this.stratum(key).merge(s);
  }

  /** The strata as plain tallies: every bit of positive weight (with or without draws), or the one uniform stratum. */
  tallies(): StratumTally[] {
    const keys = this.weights ? this.weights.flatMap((w, bit) => (w > 0 ? [bit] : [])) : [-1];
    return keys.map((key) => {
      const s = this.strata.get(key) ?? new StratumAccumulator(this.tau.length);
      const dl = s.deltaLoss;
      return {
        bit: key < 0 ? null : key,
        weight: key < 0 ? 1 : this.weights![key]!,
        n: s.n,
        sdc: s.sdc,
        due: s.due,
        critical: [...s.critical],
        finite: dl.count,
        mean: dl.count > 0 ? dl.mean : NaN,
        m2: dl.count > 1 ? dl.variance * (dl.count - 1) : 0,
      };
    });
  }

  /** The layer's metrics with 99% intervals. */
  summary(): LayerMetrics {
    return metricsFromStrata(this.layer, this.tallies(), this.tau, this.at);
  }
}

/** Streaming tallies for a whole campaign, one LayerAccumulator per layer in first-seen order. */
export class CampaignAccumulator {
  private readonly byLayer = new Map<string, LayerAccumulator>();

  constructor(private readonly opts: TallyOptions = {}) {}

  private layer(name: string): LayerAccumulator {
    let acc = this.byLayer.get(name);
    if (!acc) this.byLayer.set(name, (acc = new LayerAccumulator(name, this.opts)));
    return acc;
  }

  /** Counts one injection under its layer. */
  add(r: MetricsRecord): void {
    this.layer(r.layer).add(r);
  }

  /** Folds in another shard's tallies. */
  merge(other: CampaignAccumulator): void {
    for (const [name, acc] of other.byLayer) this.layer(name).merge(acc);
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
