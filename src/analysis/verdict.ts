import type { RatioEstimate } from '../stats/ratio.js';
import type { MetricRatio } from './metric-ratios.js';
import type { Verdict } from '../run-folder/analysis.js';

export type { Verdict } from '../run-folder/analysis.js';

/**
 * A ratio or bound with 2 decimals, in exponent form past 10⁴ (exponent-bit flips make ΔLoss ratios astronomic); `inf`
 * when unbounded.
 */
export function ratioText(x: number | null, inf: string): string {
  // Plain JSON (a `--json` document) has null where a bound was ±∞: unbounded too. analysis.json keeps ±∞.
  if (x === null || !Number.isFinite(x)) return inf;
  return Math.abs(x) >= 1e4 ? x.toExponential(2) : x.toFixed(2);
}

/** `3.04× (99% CI 1.80–5.10×)`; an unbounded side is written ∞. */
export function formatRatio(r: Pick<RatioEstimate, 'ratio' | 'lower' | 'upper'>): string {
  return `${ratioText(r.ratio, '∞')}× (99% CI ${ratioText(r.lower, '−∞')}–${ratioText(r.upper, '∞')}×)`;
}

const scopeName = { lastLayer: 'last layer', overall: 'overall' } as const;

const item = (m: MetricRatio) =>
  `${m.label}, ${scopeName[m.scope]} ${formatRatio(m.ratio)}${m.ratio.bounds === 'unbounded' ? ' unbounded' : ''}`;

/** The headline: what the verdict table of the primary campaign (the first: fp32 when present) says. */
export function verdict(campaigns: readonly { format: string; metrics: readonly MetricRatio[] }[]): Verdict {
  const primary = campaigns[0];
  if (!primary || primary.metrics.length === 0)
    return {
      reproduced: 'unknown',
      sentence: "The paper's question cannot be judged here: the two runs have no fault-injection campaign in common.",
    };
  const above = primary.metrics.filter((m) => m.side === 'above 1');
  const below = primary.metrics.filter((m) => m.side === 'below 1');
  const straddle = primary.metrics.filter((m) => m.side === 'straddles 1');
  const reproduced = above.length > 0 ? (below.length > 0 ? 'partly' : 'yes') : 'no';
  const lead = {
    yes: "The paper's direction holds here: every metric whose interval excludes 1 favours the text-guided head.",
    partly: 'Mixed: some metrics favour the text-guided head, others the baseline.',
    no:
      below.length > 0
        ? "The paper's direction did not hold here: the metrics whose intervals exclude 1 favour the baseline."
        : 'No difference shown: no metric’s interval excludes 1.',
  }[reproduced];
  const list = (xs: MetricRatio[]) => (xs.length ? xs.map(item).join('; ') : 'none');
  const sentence =
    `${lead} ${primary.format}, baseline ÷ text-guided with 99% intervals (> 1 favours the text-guided head), ` +
    `${primary.metrics.length} metric × scope pairs, all reported: above 1 — ${list(above)}. Below 1 — ${list(below)}. ` +
    `Straddling 1 — ${straddle.length ? straddle.map((m) => `${m.label} (${scopeName[m.scope]}${m.ratio.bounds === 'unbounded' ? ', unbounded' : ''})`).join(', ') : 'none'}.`;
  return { reproduced, sentence };
}
