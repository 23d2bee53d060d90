import type { RatioEstimate } from '../faults/improvement.js';
import type { ComparisonRow } from './compare.js';

/** Whether the paper's direction (text-guided loses less under faults) holds in this run, and a sentence saying so. */
export interface Verdict {
  /** 'yes': last-layer and overall improvements > 1 with CIs excluding 1; 'partly': one of them; 'no': neither. */
  reproduced: 'yes' | 'partly' | 'no' | 'unknown';
  sentence: string;
}

/** `3.04× (99% CI 1.80–5.10×)`; an unbounded side (Fieller, denominator not clearly above 0) is written ∞. */
export function formatRatio(r: RatioEstimate): string {
  // analysis.json stores ±∞ as null (JSON has no ∞), so a bound may arrive as null.
  const f = (x: number | null, inf: string) => (x === null || !Number.isFinite(x) ? inf : x.toFixed(2));
  return `${f(r.ratio, '∞')}× (99% CI ${f(r.lower, '−∞')}–${f(r.upper, '∞')}×)`;
}

const significant = (r: RatioEstimate | null) => r !== null && r.lower !== null && Number.isFinite(r.lower) && r.lower > 1;

/** The plain sentence the report leads with. */
export function verdict(row: ComparisonRow): Verdict {
  const { lastLayer, overall, format } = row;
  if (!lastLayer || !overall) {
    return { reproduced: 'unknown', sentence: 'The paper\'s direction cannot be judged here: the two runs have no fault-injection campaign in a common number format.' };
  }
  const last = significant(lastLayer);
  const all = significant(overall);
  const numbers = `the last layer's ΔLoss improvement is ${formatRatio(lastLayer)} and the whole model's is ${formatRatio(overall)} (${format} activations, single-bit flips)`;
  if (last && all) return { reproduced: 'yes', sentence: `The paper's direction reproduced here: ${numbers}; both intervals exclude 1.` };
  if (last || all) {
    return { reproduced: 'partly', sentence: `The paper's direction reproduced only in part: ${numbers}; only the ${last ? 'last-layer' : 'whole-model'} interval excludes 1.` };
  }
  return { reproduced: 'no', sentence: `The paper's direction did not reproduce here: ${numbers}; neither interval lies above 1.` };
}
