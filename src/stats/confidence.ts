import { normalCritical } from './normal.js';

/** The paper's confidence level for every interval: 99%. */
export const defaultConfidence = 0.99;

/** Two-sided standard-normal critical value for a confidence level: 0.99 → 2.5758…, 0.95 → 1.9600…. */
export function zForConfidence(confidence: number = defaultConfidence): number {
  return normalCritical(confidence);
}

/**
 * DESIGN.md fixes the 99% critical value at 2.576 (the rounded quantile, as GoldenEye and the paper print it), so
 * reported CIs match theirs digit for digit; `zForConfidence(0.99)` is the unrounded 2.5758293.
 */
export const z99 = 2.576;

/** A point estimate with the half-width of its confidence interval (value ± ci). NaN where undefined. */
export interface Estimate {
  value: number;
  ci: number;
}

/**
 * Σ wᵢ·xᵢ of independent estimates: half-widths add in quadrature, ci = √Σ(wᵢ·ciᵢ)², which is exact for normal
 * estimates that share one confidence level (each ciᵢ = z·seᵢ with the same z).
 */
export function weightedSum(terms: readonly { weight: number; estimate: Estimate }[]): Estimate {
  let value = 0;
  let ci2 = 0;
  for (const { weight, estimate } of terms) {
    value += weight * estimate.value;
    ci2 += (weight * estimate.ci) ** 2;
  }
  return { value, ci: Math.sqrt(ci2) };
}
