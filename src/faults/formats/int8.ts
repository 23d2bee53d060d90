import { check } from '../../core/errors.js';
import { defineFormat, type FormatContext } from './format.js';
import { f32ToBits } from './fp32.js';

/** The symmetric per-layer int8 scale: profiled max |x| / 127, so ±max maps to ±127. */
export function int8Scale(maxAbs: number): number {
  check(
    Number.isFinite(maxAbs) && maxAbs > 0,
    'bad_argument',
    () =>
      `int8 needs a layer's profiled max |activation| > 0 and finite; got ${maxAbs} — profile with more images or use fp32/fp16/bf16 for this layer`,
    { maxAbs },
  );
  return maxAbs / 127;
}

function scaleOf(ctx: FormatContext | undefined): number {
  const scale = ctx?.scale;
  check(
    scale !== undefined && Number.isFinite(scale) && scale > 0,
    'bad_argument',
    () =>
      `int8 format needs ctx.scale = profiled max |x| / 127 (a finite number > 0); got ${scale} — pass int8Scale(max) for the layer`,
    { scale },
  );
  return scale;
}

/** Round half to even, as quantizers (ONNX QuantizeLinear, PyTorch) do. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

function decode(pattern: number, ctx?: FormatContext): number {
  return Math.fround((((pattern & 0xff) << 24) >> 24) * scaleOf(ctx));
}

/**
 * Symmetric per-layer int8: q = clamp(roundHalfEven(x / scale), −128, 127), pattern = q as two's complement, value =
 * q · scale. The scale is symmetric (±max ↔ ±127); saturation uses the whole int8 range, as ONNX QuantizeLinear
 * does, so every pattern — 0x80 = −128 included, which a flip of bit 7 reaches — decodes and re-encodes to itself.
 * ±Inf saturate; NaN has no int8 form and becomes 0.
 */
export const int8 = defineFormat({
  name: 'int8',
  bits: 8,
  grid: { kind: 'integer', lo: -128, hi: 127 },
  encode: (x, ctx) => {
    const scale = scaleOf(ctx);
    const v = Math.fround(x) / scale;
    const q = Number.isNaN(v) ? 0 : roundHalfEven(Math.max(-128, Math.min(127, v))); // clamping first handles ±Inf
    return q & 0xff;
  },
  contextFor: (maxAbs) => ({ scale: int8Scale(maxAbs) }),
  decode,
  toF32Bits: (pattern, ctx) => f32ToBits(decode(pattern, ctx)), // always finite: no payload to lose
});
