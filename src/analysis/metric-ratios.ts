import { deltaLossOf, countsOf, rateOf, type LayerMetrics, type RateOf } from '../faults/metrics/metrics.js';
import { improvementRatio } from '../stats/improvement.js';
import { rateRatio, ratioSide, type RatioEstimate } from '../stats/ratio.js';
import type { IntervalEstimate } from '../stats/stratified.js';
import type { CampaignReliability } from './reliability.js';
import type { VerdictMetric, MetricRatio } from '../run-folder/analysis.js';

export type { VerdictMetric, MetricRatio } from '../run-folder/analysis.js';

interface MetricDef {
  metric: VerdictMetric;
  tau?: number;
  label: string;
  estimate: (m: LayerMetrics) => IntervalEstimate;
  ratio: (b: LayerMetrics, t: LayerMetrics) => RatioEstimate;
}

const rate = (hits: RateOf) => (b: LayerMetrics, t: LayerMetrics) =>
  rateRatio(countsOf(b.strata, hits), countsOf(t.strata, hits));

/** The metrics in table order: the rates, then the paper's mean ΔLoss (Fieller, often unbounded). */
function metricDefs(tau: readonly number[]): MetricDef[] {
  return [
    { metric: 'sdc', label: 'SDC rate (mismatch)', estimate: (m) => m.sdc, ratio: rate(rateOf.sdc) },
    { metric: 'due', label: 'DUE rate (non-finite or detected)', estimate: (m) => m.due, ratio: rate(rateOf.due) },
    ...tau.map((t, i): MetricDef => ({
      metric: 'critical',
      tau: t,
      label: `critical (ΔLoss > ${t})`,
      estimate: (m) => m.critical[i]!,
      ratio: rate(rateOf.critical(i)),
    })),
    {
      metric: 'deltaLoss',
      label: "mean ΔLoss (the paper's)",
      estimate: (m) => m.meanDeltaLoss,
      ratio: (b, t) => improvementRatio(deltaLossOf(b), deltaLossOf(t)),
    },
  ];
}

/** Every verdict metric for the last layer and overall, baseline ÷ text-guided, at 99%. */
export function metricRatios(baseline: CampaignReliability, textGuided: CampaignReliability): MetricRatio[] {
  return (['lastLayer', 'overall'] as const).flatMap((scope) =>
    metricDefs(baseline.tau).map((d) => {
      const ratio = d.ratio(baseline[scope], textGuided[scope]);
      return {
        metric: d.metric,
        ...(d.tau === undefined ? {} : { tau: d.tau }),
        label: d.label,
        scope,
        baseline: d.estimate(baseline[scope]),
        textGuided: d.estimate(textGuided[scope]),
        ratio,
        side: ratioSide(ratio),
      };
    }),
  );
}
