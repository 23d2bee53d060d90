import type { Rng } from '../../core/rng.js';
import { bitMask, xorBits, type FormatContext, type NumberFormat, type PatternValue } from '../formats/format.js';
import { siteBits, type FaultSite } from '../plan/site.js';

/**
 * A hardware error model. Site-picking is separate from corruption: `pickBits` is the only place randomness is
 * spent, so a recorded site replays the same fault with no Rng, and `corrupt` is a pure function of its arguments.
 */
export interface ErrorModel {
  /** Canonical spec, `errorModel(name)` rebuilds the same model (e.g. `bit-flip`, `multi-bit-adjacent:3`). */
  readonly name: string;
  /**
   * True when a fault touches exactly one bit drawn uniformly over the format's width: each bit position is then a
   * stratum of weight 1/width of the same population (`tgr plan --stratify bit`).
   */
  readonly singleBit?: boolean;
  /** The bit positions (0 = LSB) a fault of this model touches in a value held in `format`. */
  pickBits(rng: Rng, format: NumberFormat): number[];
  /**
   * The fault as made: `value` held in `format`, the site's bits corrupted, converted back to fp32, with the pattern
   * it made (which the record keeps for a non-finite value).
   */
  corrupt(value: number, site: FaultSite, format: NumberFormat, ctx?: FormatContext): PatternValue;
}

/** Builds a registered model from an optional numeric parameter (`multi-bit-adjacent:3` → 3). */
export type ErrorModelFactory = (param: number | undefined) => ErrorModel;

/** The corruption shared by every flipping model: invert exactly the bits the site records. */
export const flipSiteBits: ErrorModel['corrupt'] = (value, site, format, ctx) => {
  const mask = bitMask(format.name, format.bits, siteBits(site));
  return format.mapPattern(value, (p) => xorBits(p, mask), ctx);
};
