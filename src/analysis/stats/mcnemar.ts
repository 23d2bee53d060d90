import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import type { PairedTable } from './paired-table.js';
import type { McNemarResult } from '../../run-folder/analysis.js';

export type { McNemarResult } from '../../run-folder/analysis.js';

/**
 * McNemar's exact test: under "both models are equally accurate" each discordant image is equally likely to favour
 * either model, so b ~ Binomial(b + c, ½). Exact rather than χ², because the discordant counts of two similar
 * classifiers are often small. With no discordant pair both p-values are 1.
 */
export function mcnemar(t: PairedTable): McNemarResult {
  const { onlyFirst: b, onlySecond: c } = t;
  const n = b + c;
  const k = Math.min(b, c);
  if (n === 0) return { onlyFirst: b, onlySecond: c, pValue: 1, midPValue: 1 };
  const tail = binomialCdf(k, n, 0.5);
  const atK = tail - (k > 0 ? binomialCdf(k - 1, n, 0.5) : 0);
  return { onlyFirst: b, onlySecond: c, pValue: Math.min(1, 2 * tail), midPValue: Math.min(1, 2 * tail - atK) };
}
