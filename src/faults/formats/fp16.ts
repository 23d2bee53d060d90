import { getFloat16, setFloat16 } from '@petamoriken/float16';
import { defineFormat } from './format.js';
import { f32ToBits } from './fp32.js';

// @petamoriken/float16 does the IEEE conversion (round-to-nearest-even, subnormals, overflow to Inf) exactly;
// Node 20 has no Float16Array / Math.f16round of its own.
const view = new DataView(new ArrayBuffer(2));

/** IEEE-754 binary16: bit 15 sign, 14..10 exponent, 9..0 mantissa. fp32 → fp16 rounds to nearest even. */
export const fp16 = defineFormat({
  name: 'fp16',
  bits: 16,
  grid: { kind: 'cast', dtype: 'float16' },
  encode: (x) => {
    setFloat16(view, 0, Math.fround(x));
    return view.getUint16(0);
  },
  decode: (pattern) => {
    view.setUint16(0, pattern);
    return getFloat16(view, 0);
  },
  toF32Bits: (pattern) => {
    const sign = (pattern & 0x8000) << 16;
    const e = (pattern >>> 10) & 0x1f;
    const m = pattern & 0x3ff;
    // Inf/NaN: the 10 mantissa bits (payload, quiet bit 9 → 22) move to the top of binary32's 23.
    if (e === 0x1f) return (sign | 0x7f800000 | (m << 13)) >>> 0;
    if (e === 0) return (sign | f32ToBits(m * 2 ** -24)) >>> 0; // zero and subnormals: exact in binary32
    return (sign | ((e + 112) << 23) | (m << 13)) >>> 0; // rebias 15 → 127
  },
});
