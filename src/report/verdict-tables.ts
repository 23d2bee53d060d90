import type { Analysis } from '../analysis/analyse.js';
import type { MetricRatio } from '../analysis/metric-ratios.js';
import type { Table } from './table.js';
import { layerUnion } from './tables.js';

/** The verdict's tables (issue 12): the report's first table, and the per-layer rates behind it. */

/** Interval methods as the report names them (stats/stratified.ts and stats/ratio.ts). */
const methodNames: Readonly<Record<string, string>> = {
  'clopper-pearson': 'Clopper–Pearson exact',
  'korn-graubard': 'Korn–Graubard exact (stratified)',
  normal: 'normal z·σ/√n',
  'stratified-normal': 'normal, stratified',
  'katz-log': 'Katz log',
  'log-delta (stratified)': 'log-ratio delta, stratified',
  'bonferroni-exact': 'exact bounds at 99.5% each (a rate is 0)',
  fieller: 'Fieller',
};
const methodName = (m: string) => methodNames[m] ?? m;
/** An estimate as an interval cell (its method and extras dropped). */
export const interval = (e: { value: number; lower: number; upper: number }) => ({
  value: e.value,
  lower: e.lower,
  upper: e.upper,
});

/** Where a ratio's 99% interval lies against 1, with "unbounded" / "one-sided" where it is so. */
export const sideText = (m: Pick<MetricRatio, 'ratio' | 'side'>): string =>
  m.ratio.bounds === 'two-sided' ? m.side : `${m.side} (${m.ratio.bounds})`;

/**
 * The verdict: every metric (SDC, DUE, critical τ each, the paper's mean ΔLoss), last layer and overall, for every
 * campaign both runs share — ratio baseline ÷ text-guided, its 99% interval, and where the interval lies against 1.
 */
export function verdictTable(a: Analysis, sfx: string): Table {
  const rows = a.comparison.formats.flatMap((f) =>
    f.metrics.map((m) => [
      f.format,
      m.scope === 'lastLayer' ? 'last layer' : 'overall',
      m.label,
      interval(m.baseline),
      interval(m.textGuided),
      m.ratio,
      sideText(m),
      `${methodName(m.ratio.method)}; each model: ${[...new Set([m.baseline.method, m.textGuided.method])].map(methodName).join(' / ')}`,
    ]),
  );
  const stratified = a.comparison.formats.some((f) => f.baseline.stratify === 'bit' || f.textGuided.stratify === 'bit');
  return {
    id: `tbl-verdict${sfx}`,
    caption:
      'Verdict: baseline ÷ text-guided for every metric, 99% intervals (> 1: the text-guided model has fewer such faults or a smaller ΔLoss); none picked after the fact',
    columns: [
      { header: 'Campaign', kind: 'text' },
      { header: 'Scope', kind: 'text' },
      { header: 'Metric', kind: 'text' },
      { header: 'Baseline', kind: 'interval' },
      { header: 'Text-guided', kind: 'interval' },
      { header: 'Baseline ÷ text-guided', kind: 'ratio' },
      { header: '99% interval vs 1', kind: 'text' },
      { header: 'Interval method', kind: 'text' },
    ],
    rows,
    note:
      'Rates are over all injections. DUE: the output is non-finite or a guard detected the fault; a DUE is never an SDC or a critical fault and is left out of ΔLoss. SDC: a finite, undetected output whose top-1 changed. Critical (ΔLoss > τ): a finite, undetected output whose cross-entropy moved by more than τ. ' +
      "Mean ΔLoss is the paper's (heavy-tailed: a few exponent-bit flips decide it), its ratio by Fieller's interval, unbounded when the text-guided mean is not clearly above 0. " +
      'Last layer: for the text-guided head, latent and projection combined neuron-weighted. Overall: the mean over layer slots with the last layer counted once, so both models have the same number of slots. ' +
      (stratified
        ? 'Bit-stratified campaigns: every bit position a stratum of weight 1/width; estimates and intervals are the stratified ones.'
        : 'Campaigns sampled uniformly (the paper’s way).'),
  };
}

/**
 * Per layer and model in the primary campaign, the verdict's rates with their exact 99% intervals: SDC, DUE and each
 * critical threshold — where the per-layer chart's tail shows as counts instead of a mean.
 */
export function layerRatesTable(a: Analysis, sfx: string): Table {
  const f = a.comparison.formats[0];
  const tau = f?.baseline.tau ?? [];
  const names = layerUnion(
    f?.baseline.layers.map((m) => m.layer) ?? [],
    f?.textGuided.layers.map((m) => m.layer) ?? [],
  );
  const rows = names.flatMap((n) =>
    (['baseline', 'textGuided'] as const).flatMap((model) => {
      const m = f?.[model].layers.find((x) => x.layer === n);
      return m
        ? [
            [
              n,
              model === 'baseline' ? 'baseline' : 'text-guided',
              m.injections,
              interval(m.sdc),
              interval(m.due),
              ...tau.map((_, i) => interval(m.critical[i]!)),
            ],
          ]
        : [];
    }),
  );
  return {
    id: `tbl-layer-rates${sfx}`,
    caption: `Per-layer SDC, DUE and critical-fault rates (${f?.format ?? 'no campaign'}), exact 99% intervals`,
    columns: [
      { header: 'Layer', kind: 'text' },
      { header: 'Model', kind: 'text' },
      { header: 'n', kind: 'int' },
      { header: 'SDC', kind: 'interval' },
      { header: 'DUE', kind: 'interval' },
      ...tau.map((t) => ({ header: `ΔLoss > ${t}`, kind: 'interval' as const })),
    ],
    rows,
  };
}
