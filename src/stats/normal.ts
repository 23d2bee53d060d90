import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { check } from '../core/errors.js';

/** Two-sided standard-normal critical value, exact: 0.99 → 2.5758…, 0.95 → 1.9600…. */
export function normalCritical(level: number): number {
  check(level > 0 && level < 1, 'bad_argument', () => `confidence must be between 0 and 1 (e.g. 0.99); got ${level}`, {
    confidence: level,
  });
  return normalQuantile(1 - (1 - level) / 2, 0, 1);
}

/**
 * The critical value intervals use: at 0.99 the paper's rounded 2.576 (as GoldenEye prints it), so the paper's
 * intervals match digit for digit; other levels the exact quantile.
 */
export function zForLevel(level: number): number {
  return level === 0.99 ? 2.576 : normalCritical(level);
}
