import { bitMask } from '../formats/format.js';
import { siteBits } from '../plan/site.js';
import type { ErrorModel } from './model.js';

/**
 * A permanent fault: the chosen bit reads as `level` whatever was written. When the bit already holds `level` the
 * fault is masked and the value is unchanged — that is part of the model's rate, not a wasted injection.
 */
export function stuckAt(level: 0 | 1): ErrorModel {
  return {
    name: `stuck-at-${level}`,
    singleBit: true,
    pickBits: (rng, format) => [rng.int(format.bits)],
    corrupt(value, site, format, ctx) {
      const mask = bitMask(format.name, format.bits, siteBits(site));
      return format.mapPattern(value, (p) => (level === 1 ? (p | mask) >>> 0 : (p & ~mask) >>> 0), ctx);
    },
  };
}
