import type { Rng } from '../../core/rng.js';
import type { FormatContext, NumberFormat } from '../formats/format.js';
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
  /** The faulty fp32 value: `value` held in `format`, the site's bits corrupted, converted back to fp32. */
  corrupt(value: number, site: FaultSite, format: NumberFormat, ctx?: FormatContext): number;
}

/** Builds a registered model from an optional numeric parameter (`multi-bit-adjacent:3` → 3). */
export type ErrorModelFactory = (param: number | undefined) => ErrorModel;

/** The corruption shared by every flipping model: invert exactly the bits the site records. */
export const flipSiteBits: ErrorModel['corrupt'] = (value, site, format, ctx) =>
  format.flip(value, siteBits(site), ctx);
