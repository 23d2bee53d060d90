import { fiellerRatio, type RatioEstimate } from './ratio.js';
import { z99, type Estimate } from './confidence.js';

export type { RatioEstimate } from './ratio.js';

/**
 * Improvement = baseline ÷ text-guided (the paper's mean ΔLoss, or any normal estimate given as value ± ci), CI by
 * Fieller's theorem for independent normal estimates (stats/ratio.ts). Fieller rather than the delta method because the
 * text-guided denominator is small with a wide relative CI, where the delta method's symmetric interval is too narrow
 * on the high side and can go below zero. When B is not significantly different from 0 the set is unbounded:
 * lower/upper are −∞/+∞ (JSON null) and `bounds` is 'unbounded'. Each ci is taken as z·σ at the same level.
 */
export function improvementRatio(baseline: Estimate, textGuided: Estimate, z: number = z99): RatioEstimate {
  return fiellerRatio(
    { value: baseline.value, se: baseline.ci / z },
    { value: textGuided.value, se: textGuided.ci / z },
    z,
  );
}
