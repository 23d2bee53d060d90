import { check } from '../../core/errors.js';
import { defineFormat, type FormatContext, type NumberFormat } from './format.js';
import { f32ToBits, floorLog2 } from './fp32.js';
import { roundHalfEven } from './int8.js';

/** The least shared exponent: the block exponent is stored in 8 bits like binary32's (bias 127). */
const minExponent = -127;

/** The shared exponent of a block whose largest |x| is maxAbs: floor(log2 maxAbs), at least −127 (all-zero blocks). */
export function bfpExponent(maxAbs: number): number {
  const a = Math.fround(Math.abs(maxAbs));
  if (!Number.isFinite(a)) return 127;
  return a === 0 ? minExponent : Math.max(floorLog2(a), minExponent);
}

/**
 * Block floating point `bfp:K:mM` (MSFP-like, GoldenEye's BFP): K values along the channel axis share one exponent E
 * (their largest |x|'s, see `bfpExponent`); each value is sign + M magnitude bits (no hidden one), value =
 * ±q · 2^(E − M + 1). The largest value of a block lands in q ∈ [2^(M−1), 2^M); q rounds to nearest even and saturates
 * at 2^M − 1. NaN becomes 0; ±Inf saturates.
 *
 * A pattern is a value's word as the hardware reads it: bits 0..M−1 the magnitude, bit M the sign, and bits
 * M+1..M+8 its block's exponent, E + 127 (`shared`: stored once per block, so a flip there changes all K values —
 * the runner applies it to the whole block). Decoding reads E from the pattern (an exponent flipped to 255 reads as
 * 2^128, past fp32 for large magnitudes: ±Inf). Sites weigh every (value, bit) pair alike, so a uniform site hits the
 * shared exponent with probability 8/(M + 9), K times its share of the stored bits (8 of K(M + 1) + 8): a plan
 * stratified by bit estimates each exponent bit as its own stratum, so a storage-weighted figure is a reweighting of
 * strata. FIT counts a value's storage as M + 1 + 8/K bits (`storedBits`). GoldenEye draws only the sign and mantissa bits of a value and leaves the exponent to a separate "meta"
 * injection (docs/ARCHITECTURE.md, Formats).
 */
export function bfpFamily(args: string): NumberFormat & { readonly block: number; readonly mantissa: number } {
  const match = /^(\d+):m(\d+)$/.exec(args);
  const block = Number(match?.[1]);
  const m = Number(match?.[2]);
  check(
    match !== null && block >= 1 && m >= 1 && m <= 23,
    'bad_argument',
    () => `number format 'bfp:${args}' is not bfp:K:mM with K ≥ 1 and 1 ≤ M ≤ 23; write e.g. bfp:8:m7`,
  );
  const name = `bfp:${args}`;
  const hi = 2 ** m - 1;
  const exponentOf = (ctx: FormatContext | undefined): number => {
    const e = ctx?.exponent;
    check(
      e !== undefined && Number.isInteger(e) && e >= minExponent && e <= 127,
      'bad_argument',
      () =>
        `${name} needs ctx.exponent, the block's shared exponent (an integer −127..127); got ${e} — use bfpExponent`,
    );
    return e;
  };
  const field = 2 ** (m + 1); // the exponent field's lowest bit
  // Arithmetic, not shifts: with M = 23 the word is 32 bits, past JS's signed shifts.
  const decode = (pattern: number) => {
    const e = (Math.floor(pattern / field) % 256) - 127;
    return Math.fround((pattern & (hi + 1) ? -1 : 1) * (pattern & hi) * 2 ** (e - m + 1));
  };
  const format = defineFormat({
    name,
    bits: m + 9,
    shared: (255 * field) >>> 0,
    storedBits: m + 1 + 8 / block, // the exponent is stored once per block
    grid: { kind: 'blocks', block, mantissa: m },
    encode: (x, ctx) => {
      const e = exponentOf(ctx);
      const v = Math.fround(x);
      const sign = v < 0 || Object.is(v, -0) ? hi + 1 : 0;
      const q = Number.isNaN(v) ? 0 : Math.min(hi, roundHalfEven(Math.min(Math.abs(v) / 2 ** (e - m + 1), hi + 1)));
      return (e + 127) * field + (sign | q);
    },
    decode,
    // A profile gives one max per layer, so a per-layer context treats the layer as one block.
    contextFor: (maxAbs) => ({ exponent: bfpExponent(maxAbs) }),
    toF32Bits: (pattern) => f32ToBits(decode(pattern)),
  });
  return Object.assign(format, { block, mantissa: m });
}

/**
 * Quantises an N×C×… tensor (row-major) to BFP: blocks of `format.block` consecutive channels at the same (n, spatial)
 * position share an exponent; the last block of a row may be shorter. Returns the fp32 values the blocks hold.
 */
export function bfpQuantize(
  format: ReturnType<typeof bfpFamily>,
  values: Float32Array,
  dims: readonly number[],
): Float32Array {
  const channels = dims[1] ?? 1;
  const inner = dims.slice(2).reduce((a, b) => a * b, 1);
  const out = new Float32Array(values.length);
  for (let base = 0; base < values.length; base += channels * inner) {
    for (let s = 0; s < inner; s++) {
      for (let c0 = 0; c0 < channels; c0 += format.block) {
        const c1 = Math.min(channels, c0 + format.block);
        let max = 0;
        for (let c = c0; c < c1; c++) max = Math.max(max, Math.abs(values[base + c * inner + s]!));
        const ctx = { exponent: bfpExponent(max) };
        for (let c = c0; c < c1; c++) {
          const i = base + c * inner + s;
          out[i] = format.decode(format.encode(values[i]!, ctx), ctx);
        }
      }
    }
  }
  return out;
}
