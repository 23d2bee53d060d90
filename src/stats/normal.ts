import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { check } from '../core/errors.js';

/**
 * Two-sided standard-normal critical value for a confidence level. At 0.99 it is the paper's rounded 2.576 (as
 * GoldenEye prints it), so the paper's intervals match digit for digit; other levels get the exact quantile.
 */
export function zForLevel(level: number): number {
  check(
    level > 0 && level < 1,
    'bad_argument',
    () => `confidence level must be between 0 and 1 (e.g. 0.99); got ${level}`,
  );
  return level === 0.99 ? 2.576 : normalQuantile(1 - (1 - level) / 2, 0, 1);
}
