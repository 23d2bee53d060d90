import { defineFormat } from './format.js';
import { bitsToF32, f32ToBits } from './fp32.js';

/**
 * bfloat16: the top 16 bits of binary32 (bit 15 sign, 14..7 exponent, 6..0 mantissa). fp32 → bf16 rounds to nearest
 * even on the dropped 16 bits, as PyTorch/XLA and hardware converters do (not truncation); NaN stays a quiet NaN.
 */
export const bf16 = defineFormat({
  name: 'bf16',
  bits: 16,
  grid: { kind: 'cast', dtype: 'bfloat16' },
  encode: (x) => {
    const u = f32ToBits(x);
    if (Number.isNaN(x)) return (u >>> 16) | 0x0040; // rounding could carry a NaN into Inf; keep it a quiet NaN
    // u + bias stays below 2^32 for every non-NaN pattern, and a carry into the exponent is the correct rounding.
    return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
  },
  decode: (pattern) => bitsToF32((pattern << 16) >>> 0),
  toF32Bits: (pattern) => (pattern << 16) >>> 0,
});
