import { getFloat16, setFloat16 } from '@petamoriken/float16';
import { defineFormat } from './format.js';

// @petamoriken/float16 does the IEEE conversion (round-to-nearest-even, subnormals, overflow to Inf) exactly;
// Node 20 has no Float16Array / Math.f16round of its own.
const view = new DataView(new ArrayBuffer(2));

/** IEEE-754 binary16: bit 15 sign, 14..10 exponent, 9..0 mantissa. fp32 → fp16 rounds to nearest even. */
export const fp16 = defineFormat({
  name: 'fp16',
  bits: 16,
  encode: (x) => {
    setFloat16(view, 0, Math.fround(x));
    return view.getUint16(0);
  },
  decode: (pattern) => {
    view.setUint16(0, pattern);
    return getFloat16(view, 0);
  },
});
