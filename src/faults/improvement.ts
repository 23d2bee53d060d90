import { z99, type Estimate } from './confidence.js';

/** A ratio of two estimates with its confidence interval, which need not be symmetric about the ratio. */
export interface RatioEstimate {
  ratio: number;
  lower: number;
  upper: number;
  method: 'fieller';
}

/**
 * Improvement = baseline ÷ text-guided (ΔLoss or mismatch rate), CI by Fieller's theorem for independent normal
 * estimates: the R with (A − R·B)² ≤ z²(σA² + R²σB²). Fieller rather than the delta method because the text-guided
 * denominator is small with a wide relative CI, where the delta method's symmetric interval is too narrow on the high
 * side and can go below zero. When B is not significantly different from 0 (B² ≤ z²σB²) the set is unbounded and
 * lower/upper are −∞/+∞ (JSON null). Each ci is taken as z·σ at the same level (99%, z = 2.576 by default).
 */
export function improvementRatio(baseline: Estimate, textGuided: Estimate, z: number = z99): RatioEstimate {
  const a = baseline.value;
  const b = textGuided.value;
  const va = (baseline.ci / z) ** 2;
  const vb = (textGuided.ci / z) ** 2;
  const ratio = a / b;
  const qa = b * b - z * z * vb; // R² coefficient of the quadratic in R
  const disc = z * z * (a * a * vb + b * b * va - z * z * va * vb); // (half-b)² − a·c, expanded
  if (!(qa > 0) || !(disc >= 0)) return { ratio, lower: -Infinity, upper: Infinity, method: 'fieller' };
  const root = Math.sqrt(disc);
  return { ratio, lower: (a * b - root) / qa, upper: (a * b + root) / qa, method: 'fieller' };
}
