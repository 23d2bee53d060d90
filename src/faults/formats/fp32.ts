import { defineFormat } from './format.js';

// One shared 4-byte buffer: reinterpreting through typed arrays is the exact IEEE view, with subnormals kept.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The IEEE-754 binary32 bit pattern of fp32(x). */
export function f32ToBits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

/** The fp32 value of a binary32 bit pattern. */
export function bitsToF32(pattern: number): number {
  u32[0] = pattern;
  return f32[0]!;
}

/** floor(log2 a) of a positive finite fp32 value, exact: read off its binary32 pattern (subnormals included). */
export function floorLog2(a: number): number {
  const u = f32ToBits(a);
  const ef = u >>> 23;
  return ef > 0 ? ef - 127 : -149 + (31 - Math.clz32(u & 0x7fffff));
}

/** IEEE-754 binary32: bit 31 sign, 30..23 exponent, 22..0 mantissa. */
export const fp32 = defineFormat({
  name: 'fp32',
  bits: 32,
  grid: { kind: 'exact' },
  encode: (x) => f32ToBits(x),
  decode: (pattern) => bitsToF32(pattern),
  toF32Bits: (pattern) => pattern >>> 0,
});
