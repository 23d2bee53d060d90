import type { RatioEstimate } from '../faults/improvement.js';
import type { ComparisonRow } from './compare.js';

/** Whether the paper's direction (text-guided loses less under faults) holds in this run, and a sentence saying so. */
export interface Verdict {
  /** 'yes': last-layer and overall improvements > 1 with CIs excluding 1; 'partly': one of them; 'no': neither. */
  reproduced: 'yes' | 'partly' | 'no' | 'unknown';
  sentence: string;
}

/** A ratio or bound with 2 decimals, in exponent form past 10⁴ (exponent-bit flips make ΔLoss ratios astronomic); `inf` when unbounded. */
export function ratioText(x: number | null, inf: string): string {
  // analysis.json stores ±∞ as null (JSON has no ∞), so a bound may arrive as null.
  if (x === null || !Number.isFinite(x)) return inf;
  return Math.abs(x) >= 1e4 ? x.toExponential(2) : x.toFixed(2);
}

/** `3.04× (99% CI 1.80–5.10×)`; an unbounded side (Fieller, denominator not clearly above 0) is written ∞. */
export function formatRatio(r: RatioEstimate): string {
  return `${ratioText(r.ratio, '∞')}× (99% CI ${ratioText(r.lower, '−∞')}–${ratioText(r.upper, '∞')}×)`;
}

const significant = (r: RatioEstimate | null) =>
  r !== null && r.lower !== null && Number.isFinite(r.lower) && r.lower > 1;

/** The plain sentence the report leads with. */
export function verdict(row: ComparisonRow): Verdict {
  const { lastLayer, overall, format } = row;
  if (!lastLayer || !overall) {
    return {
      reproduced: 'unknown',
      sentence:
        "The paper's direction cannot be judged here: the two runs have no fault-injection campaign in a common number format.",
    };
  }
  const last = significant(lastLayer);
  const all = significant(overall);
  const numbers = `the last layer's ΔLoss improvement is ${formatRatio(lastLayer)} and the whole model's is ${formatRatio(overall)} (${format} activations, single-bit flips)`;
  if (last && all)
    return {
      reproduced: 'yes',
      sentence: `The paper's direction reproduced here: ${numbers}; both intervals exclude 1.`,
    };
  if (last || all) {
    return {
      reproduced: 'partly',
      sentence: `The paper's direction reproduced only in part: ${numbers}; only the ${last ? 'last-layer' : 'whole-model'} interval excludes 1.`,
    };
  }
  return {
    reproduced: 'no',
    sentence: `The paper's direction did not reproduce here: ${numbers}; neither interval lies above 1.`,
  };
}
