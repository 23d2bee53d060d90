import { check } from '../../core/errors.js';
import { defineFormat, type FormatContext, type NumberFormat } from './format.js';
import { f32ToBits } from './fp32.js';
import { roundHalfEven } from './int8.js';

/**
 * Symmetric per-tensor INT-k of a spec `int:K` (2 ≤ K ≤ 24): scale = profiled max |x| / (2^(K−1) − 1),
 * q = clamp(roundHalfEven(x / scale), −2^(K−1), 2^(K−1) − 1) in two's complement, as int8 does for K = 8. K ≤ 24 keeps
 * q exact in fp32's mantissa. NaN has no integer form and becomes 0; ±Inf saturate. `int:K:channel` is the same grid
 * with one scale per output channel (axis 1) of a layer, from each channel's profiled max |x|: the graph emulation
 * holds the layer in it (ctx.scales); a single value's encode/decode takes that channel's scale as ctx.scale.
 */
export function intFamily(args: string): NumberFormat {
  const match = /^(\d+)(:channel)?$/.exec(args);
  const k = Number(match?.[1]);
  check(
    match !== null && k >= 2 && k <= 24,
    'bad_argument',
    () =>
      `number format 'int:${args}' is not int:K[:channel] with 2 ≤ K ≤ 24; write e.g. int:4 or int:8:channel (int8 is registered by name)`,
  );
  const perChannel = match[2] !== undefined;
  const name = `int:${k}${perChannel ? ':channel' : ''}`;
  const hi = 2 ** (k - 1) - 1;
  const scaleOf = (ctx: FormatContext | undefined): number => {
    const scale = ctx?.scale;
    check(
      scale !== undefined && Number.isFinite(scale) && scale > 0,
      'bad_argument',
      () => `${name} needs ctx.scale = profiled max |x| / ${hi} (finite, > 0); got ${scale} — build it with contextFor`,
    );
    return scale;
  };
  const decode = (pattern: number, ctx?: FormatContext) =>
    Math.fround(((pattern << (32 - k)) >> (32 - k)) * scaleOf(ctx));
  return defineFormat({
    name,
    bits: k,
    grid: { kind: 'integer', lo: -hi - 1, hi, perChannel },
    encode: (x, ctx) => {
      const v = Math.fround(x) / scaleOf(ctx);
      const q = Number.isNaN(v) ? 0 : roundHalfEven(Math.max(-hi - 1, Math.min(hi, v)));
      return (q & (2 ** k - 1)) >>> 0;
    },
    decode,
    contextFor: (maxAbs) => {
      check(
        Number.isFinite(maxAbs) && maxAbs > 0,
        'bad_argument',
        () => `${name} needs a layer's profiled max |activation| > 0 and finite; got ${maxAbs} — profile more images`,
      );
      return { scale: maxAbs / hi };
    },
    toF32Bits: (pattern, ctx) => f32ToBits(decode(pattern, ctx)),
  });
}
