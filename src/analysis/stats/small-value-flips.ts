import type { Rng } from '../../core/rng.js';
import { numberFormats } from '../../faults/formats/registry.js';
import type { SmallValueBitOutcome } from '../../run-folder/analysis.js';

export type { SmallValueBitOutcome } from '../../run-folder/analysis.js';

/**
 * Checks paper §7.3's claim: "for |x| < 2, a flip of any bit but 31 and 30 keeps |x| < 2". Values: every biased
 * exponent 0..127 (all of |x| < 2: zero, subnormals, normals up to 1.99999988), both signs, and per exponent the
 * mantissas 0, 1, all-ones plus `mantissasPerExponent` random ones. Why it holds: |x| < 2 ⇔ exponent ≤ 127 ⇔ bit 30
 * is 0, and only bit 30 can set it. So the exact statement is: every bit except 30 keeps |x| < 2 — bit 31 only
 * changes the sign — while flipping bit 30 always gives |y| ≥ 2 or Inf/NaN (Inf/NaN exactly when 1 ≤ |x| < 2).
 */
export function checkSmallValueFlips(
  rng: Rng,
  opts: { mantissasPerExponent?: number; bound?: number } = {},
): SmallValueBitOutcome[] {
  const bound = opts.bound ?? 2;
  const perExponent = opts.mantissasPerExponent ?? 64;
  const fp32 = numberFormats.fp32;
  const outcomes = Array.from({ length: 32 }, (_, bit) => ({
    bit,
    tested: 0,
    stayedBelow: 0,
    nonFinite: 0,
    maxAbsAfter: 0,
  }));
  for (let exponent = 0; exponent <= 127; exponent++) {
    const mantissas = [0, 1, 0x7fffff, ...Array.from({ length: perExponent }, () => rng.int(0x800000))];
    for (const sign of [0, 1]) {
      for (const m of mantissas) {
        const x = fp32.decode(((sign << 31) | (exponent << 23) | m) >>> 0);
        if (!(Math.abs(x) < bound)) continue;
        for (const o of outcomes) {
          const y = fp32.flip(x, o.bit);
          o.tested++;
          if (!Number.isFinite(y)) o.nonFinite++;
          else {
            if (Math.abs(y) < bound) o.stayedBelow++;
            o.maxAbsAfter = Math.max(o.maxAbsAfter, Math.abs(y));
          }
        }
      }
    }
  }
  return outcomes;
}
