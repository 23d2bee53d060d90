import { check } from '../../core/errors.js';
import { defineFormat, type NumberFormat } from './format.js';
import { f32ToBits, floorLog2 } from './fp32.js';
import { roundHalfEven } from './int8.js';

/** How a binary floating-point format with `e` exponent and `m` mantissa bits treats its edges. */
export interface MinifloatSpec {
  readonly name: string;
  readonly e: number;
  readonly m: number;
  /** Subnormals at exponent field 0; without them that field reads as ±0 and results below the least normal flush. */
  readonly denormals: boolean;
  /**
   * 'ieee': the top exponent holds ±Inf (mantissa 0) and NaNs. 'fn' (OCP E4M3): no infinities, the top exponent holds
   * finite values except the one NaN pattern per sign, S.1…1.1…1.
   */
  readonly specials: 'ieee' | 'fn';
  /** Finite values past the largest: clamp to ±max ('saturate'), or become ±Inf ('ieee') / NaN ('fn'). */
  readonly overflow: 'saturate' | 'special';
}

/**
 * Binary floating point FP(e, m): sign, e exponent bits (bias 2^(e−1) − 1), m mantissa bits. Encoding rounds fp32 to
 * nearest even as if the exponent were unbounded above, then applies the overflow rule, as OCP OFP8 and ONNX Cast
 * describe. e ≤ 8 and m ≤ 23, so every value is an fp32 and a pattern's value is exact.
 */
export function minifloat(spec: MinifloatSpec): NumberFormat {
  const { name, e, m, denormals, specials, overflow } = spec;
  const bits = 1 + e + m;
  const bias = 2 ** (e - 1) - 1;
  const topE = 2 ** e - 1;
  const allM = 2 ** m - 1;
  const signBit = 2 ** (e + m);
  const minExp = 1 - bias; // exponent of the least normal
  const isNaNPattern = (E: number, M: number) => E === topE && (specials === 'ieee' ? M !== 0 : M === allM);
  const isInfPattern = (E: number, M: number) => specials === 'ieee' && E === topE && M === 0;
  const decodeMagnitude = (E: number, M: number): number => {
    if (isNaNPattern(E, M)) return NaN;
    if (isInfPattern(E, M)) return Infinity;
    if (E === 0) return denormals ? M * 2 ** (minExp - m) : 0;
    return (1 + M / 2 ** m) * 2 ** (E - bias);
  };
  const maxPattern = specials === 'ieee' ? (topE - 1) * 2 ** m + allM : topE * 2 ** m + allM - 1;
  const max = decodeMagnitude(Math.floor(maxPattern / 2 ** m), maxPattern & allM);
  const nanPattern = specials === 'ieee' ? topE * 2 ** m + 2 ** (m - 1) : topE * 2 ** m + allM; // quiet NaN / S.1…1
  const infPattern = specials === 'ieee' ? topE * 2 ** m : nanPattern;
  const overflowPattern = overflow === 'saturate' ? maxPattern : infPattern;
  const encode = (x: number): number => {
    const v = Math.fround(x);
    if (Number.isNaN(v)) return nanPattern;
    const sign = v < 0 || Object.is(v, -0) ? signBit : 0;
    const a = Math.abs(v);
    if (a === Infinity) return sign + overflowPattern;
    if (a === 0) return sign;
    // The quantum at a's binade (the subnormal one below the least normal); a / quantum is exact in a double.
    const quantum = 2 ** (Math.max(floorLog2(a), minExp) - m);
    const r = roundHalfEven(a / quantum) * quantum;
    if (r > max) return sign + overflowPattern;
    if (r < 2 ** minExp) return denormals ? sign + r / 2 ** (minExp - m) : sign; // subnormal, or flushed to ±0
    const E = floorLog2(r); // a carry may have moved r up one binade
    return sign + (E + bias) * 2 ** m + (r / 2 ** (E - m) - 2 ** m);
  };
  const decode = (pattern: number): number => {
    const s = pattern & signBit ? -1 : 1;
    return s * decodeMagnitude(Math.floor(pattern / 2 ** m) & topE, pattern & allM);
  };
  return defineFormat({
    name,
    bits,
    grid: { kind: 'minifloat', e, m, denormals, specials, overflow, max },
    encode,
    decode,
    toF32Bits: (pattern) => {
      const E = Math.floor(pattern / 2 ** m) & topE;
      const M = pattern & allM;
      const sign = pattern & signBit ? 0x80000000 : 0;
      // NaN and Inf: the mantissa bits (payload, quiet bit) move to the top of binary32's 23, as fp16 does.
      if (isNaNPattern(E, M) || isInfPattern(E, M)) return (sign | 0x7f800000 | (M << (23 - m))) >>> 0;
      return (sign | f32ToBits(decodeMagnitude(E, M))) >>> 0;
    },
  });
}

/**
 * The generic FP(e, m) of a spec `fp:eXmY` (IEEE-style: Inf, NaN, subnormals, overflow to Inf) or `fp:eXmY:ftz`
 * (no subnormals: flushed to ±0). 2 ≤ e ≤ 8, 1 ≤ m ≤ 23.
 */
export function fpFamily(args: string): NumberFormat {
  const match = /^e(\d+)m(\d+)(:ftz)?$/.exec(args);
  const e = Number(match?.[1]);
  const m = Number(match?.[2]);
  check(
    match !== null && e >= 2 && e <= 8 && m >= 1 && m <= 23,
    'bad_argument',
    () =>
      `number format 'fp:${args}' is not fp:eXmY[:ftz] with 2 ≤ X ≤ 8 and 1 ≤ Y ≤ 23; write e.g. fp:e5m10 or fp:e4m3:ftz`,
  );
  const ftz = match[3] !== undefined;
  return minifloat({ name: `fp:${args}`, e, m, denormals: !ftz, specials: 'ieee', overflow: 'special' });
}
