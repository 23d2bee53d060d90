import { check } from '../../core/errors.js';

/** Per-layer (or per-block) facts a format may need. */
export interface FormatContext {
  /** int8 / int:K: the symmetric scale, profiled max |x| / (2^(K−1) − 1) (see `int8Scale`). */
  scale?: number;
  /** Block floating point: the block's shared exponent, floor(log2 max |x|) of the block. */
  exponent?: number;
  /** Per-channel INT-k (graph emulation): one symmetric scale per channel of the layer output (axis 1). */
  scales?: readonly number[];
}

/**
 * The value grid of a format, as the whole-network emulation (src/faults/run/emulate.ts) builds it in the graph:
 * `exact` fp32 itself; `cast` an ONNX type a Cast pair rounds to; `minifloat` FP(e, m) with its edge rules;
 * `integer` q·step with q in lo..hi (step fixed, or the context's scale, per channel when `perChannel`); `blocks`
 * BFP's K values along the channel axis sharing an exponent, M magnitude bits each.
 */
export type Grid =
  | { readonly kind: 'exact' }
  | { readonly kind: 'cast'; readonly dtype: 'float16' | 'bfloat16' }
  | {
      readonly kind: 'minifloat';
      readonly e: number;
      readonly m: number;
      readonly denormals: boolean;
      readonly specials: 'ieee' | 'fn';
      readonly overflow: 'saturate' | 'special';
      /** The largest finite value. */
      readonly max: number;
    }
  | {
      readonly kind: 'integer';
      readonly lo: number;
      readonly hi: number;
      readonly step?: number;
      readonly perChannel?: boolean;
    }
  | { readonly kind: 'blocks'; readonly block: number; readonly mantissa: number };

/**
 * The fp32 value a pattern stands for, with its binary32 pattern computed on integers (`toF32Bits`): a JS number would
 * quiet a signalling NaN, so a record holds `bits` to keep exactly what was injected, NaN payload and all.
 */
export interface PatternValue {
  readonly value: number;
  readonly bits: number;
}

/**
 * How an fp32 activation is held in hardware. A bit pattern is an unsigned integer of `bits` bits, bit 0 = LSB.
 * Values going in are fp32 activations (they are `Math.fround`ed first: hardware converts fp32, not fp64);
 * values coming out are fp32 values.
 */
export interface NumberFormat {
  readonly name: string;
  readonly bits: number;
  /**
   * Bits of a pattern stored once for a group of values (BFP's block exponent): a fault there changes every value of
   * the group, which the runner applies where it knows the group (a network emulated in the format).
   */
  readonly shared?: number;
  /**
   * Bits stored per value: `bits`, less what shared bits save by being stored once per group (BFP: M + 1 + 8/K, its
   * block's exponent counted once per K values). What FIT counts as a value's exposed storage.
   */
  readonly storedBits: number;
  /** The format's value grid, which the graph emulation builds. */
  readonly grid: Grid;
  /** The bit pattern that represents fp32(x) in this format. */
  encode(x: number, ctx?: FormatContext): number;
  /** The fp32 value a bit pattern stands for. */
  decode(pattern: number, ctx?: FormatContext): number;
  /** Represents x, XORs the given bit(s), converts back to fp32. */
  flip(x: number, bit: number | readonly number[], ctx?: FormatContext): number;
  /** Represents x, replaces the pattern with `fn(pattern)`, converts back to fp32: the value and its binary32 pattern. */
  mapPattern(x: number, fn: (pattern: number) => number, ctx?: FormatContext): PatternValue;
  /** The context for one layer from its golden profile (max |activation|); `{}` for formats that need none. */
  contextFor(maxAbs: number): FormatContext;
  /**
   * The binary32 pattern of a pattern's value, computed on integers: a NaN keeps its payload and quiet bit (a JS
   * number would quiet a signalling NaN), so a record can hold exactly what was injected.
   */
  toF32Bits(pattern: number, ctx?: FormatContext): number;
}

/** The encode/decode pair a format file writes; `defineFormat` adds the bit operations shared by all formats. */
export interface FormatCodec {
  readonly name: string;
  readonly bits: number;
  readonly shared?: number;
  /** Bits stored per value (see NumberFormat.storedBits); `bits` when omitted. */
  readonly storedBits?: number;
  readonly grid: Grid;
  encode(x: number, ctx?: FormatContext): number;
  decode(pattern: number, ctx?: FormatContext): number;
  contextFor?(maxAbs: number): FormatContext;
  /** The binary32 pattern of a pattern's value, on integers (see NumberFormat.toF32Bits). */
  toF32Bits(pattern: number, ctx?: FormatContext): number;
}

/** Builds a NumberFormat from a codec, so that flipping means the same thing in every format. */
export function defineFormat(codec: FormatCodec): NumberFormat {
  const { name, bits, shared, storedBits = bits, grid, encode, decode, toF32Bits, contextFor = () => ({}) } = codec;
  return {
    name,
    bits,
    ...(shared ? { shared } : {}),
    storedBits,
    grid,
    encode,
    decode,
    contextFor,
    toF32Bits,
    mapPattern: (x, fn, ctx) => {
      const p = fn(encode(x, ctx));
      return { value: Math.fround(decode(p, ctx)), bits: toF32Bits(p, ctx) };
    },
    flip: (x, bit, ctx) => Math.fround(decode(xorBits(encode(x, ctx), bitMask(name, bits, bit)), ctx)),
  };
}

/** The mask with the given bit(s) set, checked against the format's width. */
export function bitMask(format: string, width: number, bit: number | readonly number[]): number {
  let mask = 0;
  for (const b of typeof bit === 'number' ? [bit] : bit) {
    check(
      Number.isInteger(b) && b >= 0 && b < width,
      'bad_fault_site',
      () => `bit ${b} is outside ${format} (bits 0..${width - 1}, 0 = LSB); pick a bit below ${width}`,
      { format, bit: b },
    );
    mask = (mask | (1 << b)) >>> 0;
  }
  return mask;
}

/** XOR of two patterns kept unsigned (JS bitwise operators are signed 32-bit). */
export function xorBits(pattern: number, mask: number): number {
  return (pattern ^ mask) >>> 0;
}
