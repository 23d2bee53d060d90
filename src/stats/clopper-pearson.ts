import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { check } from '../core/errors.js';

/** A two-sided interval for a binomial proportion. */
export interface ProportionInterval {
  lower: number;
  upper: number;
}

/**
 * Exact (Clopper–Pearson 1934) interval for x successes in n trials: the beta quantiles B(α/2; x, n−x+1) and
 * B(1−α/2; x+1, n−x), with 0 and 1 at the edges. Coverage is ≥ level for every p, which a heavy-tailed campaign
 * (rates near 0) needs and the normal interval does not give. x and n may be non-integer (Korn–Graubard's effective
 * counts). n = 0 gives [0, 1]: no data, no information.
 */
export function clopperPearson(x: number, n: number, level: number): ProportionInterval {
  check(
    n >= 0 && x >= 0 && x <= n && level > 0 && level < 1,
    'bad_argument',
    () => `Clopper–Pearson needs 0 ≤ hits ≤ n and a level in (0, 1); got hits ${x}, n ${n}, level ${level}`,
  );
  const alpha = 1 - level;
  const lower = x === 0 ? 0 : betaQuantile(alpha / 2, x, n - x + 1);
  const upper = x === n ? 1 : betaQuantile(1 - alpha / 2, x + 1, n - x);
  return { lower, upper };
}
