import { stratifiedRate, defaultLevel, type StratumCount, type IntervalEstimate } from './stratified.js';
import { zForLevel } from './normal.js';

/**
 * A ratio A ÷ B with its interval. `bounds` says what the interval is worth: 'two-sided' (both ends finite),
 * 'one-sided' (one end at 0 or ∞ because a rate was 0), 'unbounded' (−∞…∞ or 0…∞: the data bound nothing).
 */
export interface RatioEstimate {
  ratio: number;
  lower: number;
  upper: number;
  method: string;
  bounds: 'two-sided' | 'one-sided' | 'unbounded';
}

/** Where a ratio's interval lies against 1: the verdict of one metric. */
export type RatioSide = 'above 1' | 'below 1' | 'straddles 1';

const boundsOf = (lower: number, upper: number): RatioEstimate['bounds'] => {
  const lo = Number.isFinite(lower) && lower > 0;
  const hi = Number.isFinite(upper);
  return lo && hi ? 'two-sided' : lo || hi ? 'one-sided' : 'unbounded';
};

/** Whether an interval lies wholly above 1, wholly below, or contains 1 (NaN/null bounds count as open). */
export function ratioSide(r: { lower: number | null; upper: number | null }): RatioSide {
  if (typeof r.lower === 'number' && r.lower > 1) return 'above 1';
  if (typeof r.upper === 'number' && r.upper < 1) return 'below 1';
  return 'straddles 1';
}

/**
 * Ratio of two independent normal estimates by Fieller's theorem: the R with (A − R·B)² ≤ z²(σA² + R²σB²). When B is
 * not clearly above 0 (B² ≤ z²σB²) the set is unbounded: −∞…∞. Kept for the paper's mean ΔLoss, whose heavy tail makes
 * exactly that common; the result says so in `bounds`.
 */
export function fiellerRatio(
  a: { value: number; se: number },
  b: { value: number; se: number },
  z: number,
): RatioEstimate {
  const ratio = a.value / b.value;
  const va = a.se * a.se;
  const vb = b.se * b.se;
  const qa = b.value * b.value - z * z * vb; // R² coefficient of the quadratic in R
  const disc = z * z * (a.value * a.value * vb + b.value * b.value * va - z * z * va * vb);
  if (!(qa > 0) || !(disc >= 0))
    return { ratio, lower: -Infinity, upper: Infinity, method: 'fieller', bounds: 'unbounded' };
  const root = Math.sqrt(disc);
  const lower = (a.value * b.value - root) / qa;
  const upper = (a.value * b.value + root) / qa;
  return { ratio, lower, upper, method: 'fieller', bounds: boundsOf(lower, upper) };
}

/**
 * Ratio of two (stratified) rates A ÷ B. Both > 0: the log-ratio delta method, ln R ± z·√(se_A²/A² + se_B²/B²) —
 * with one stratum each that is exactly Katz's log interval (var ln p̂ = 1/x − 1/n), and it stays positive and
 * bounded. A rate of 0 has no log: then both rates' exact intervals at level 1 − α/2 (Bonferroni, so the pair holds
 * at ≥ level) bound the ratio by [L_A/U_B, U_A/L_B], which is one-sided (A = 0: 0…U, B = 0: L…∞) or, both 0, unbounded.
 */
export function rateRatio(
  a: readonly StratumCount[],
  b: readonly StratumCount[],
  level: number = defaultLevel,
): RatioEstimate {
  const ra = stratifiedRate(a, level);
  const rb = stratifiedRate(b, level);
  const single = ra.method === 'clopper-pearson' && rb.method === 'clopper-pearson';
  if (Number.isNaN(ra.value) || Number.isNaN(rb.value))
    return {
      ratio: NaN,
      lower: -Infinity,
      upper: Infinity,
      method: 'undefined (a stratum without draws)',
      bounds: 'unbounded',
    };
  if (ra.value > 0 && rb.value > 0) return logDelta(ra, rb, level, single ? 'katz-log' : 'log-delta (stratified)');
  const half = 1 - (1 - level) / 2;
  const ea = stratifiedRate(a, half);
  const eb = stratifiedRate(b, half);
  const lower = ea.lower / eb.upper;
  const upper = eb.lower > 0 ? ea.upper / eb.lower : Infinity;
  return { ratio: ra.value / rb.value, lower, upper, method: 'bonferroni-exact', bounds: boundsOf(lower, upper) };
}

function logDelta(a: IntervalEstimate, b: IntervalEstimate, level: number, method: string): RatioEstimate {
  const ratio = a.value / b.value;
  const sd = Math.sqrt((a.se / a.value) ** 2 + (b.se / b.value) ** 2);
  const z = zForLevel(level);
  return { ratio, lower: ratio * Math.exp(-z * sd), upper: ratio * Math.exp(z * sd), method, bounds: 'two-sided' };
}
