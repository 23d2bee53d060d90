import { minifloat } from './minifloat.js';

// OCP 8-bit Floating Point (OFP8) v1.0. The default variants saturate, as ONNX Cast/QuantizeLinear do by default
// (saturate=1): an activation past the largest finite value clamps rather than becoming NaN. The -nosat variants
// follow the spec's non-saturating mode: E4M3 overflows to NaN (it has no Inf), E5M2 to ±Inf.

/** OCP E4M3 (E4M3FN): bias 7, subnormals, no infinities, NaN only at S.1111.111; max 448. Saturating. */
export const fp8E4m3 = minifloat({
  name: 'fp8-e4m3',
  e: 4,
  m: 3,
  denormals: true,
  specials: 'fn',
  overflow: 'saturate',
});

/** OCP E4M3, non-saturating: overflow is NaN. */
export const fp8E4m3NoSat = minifloat({
  name: 'fp8-e4m3-nosat',
  e: 4,
  m: 3,
  denormals: true,
  specials: 'fn',
  overflow: 'special',
});

/** OCP E5M2: bias 15, subnormals, IEEE ±Inf and NaNs; max 57344. Saturating (fp32 ±Inf still encodes as ±max). */
export const fp8E5m2 = minifloat({
  name: 'fp8-e5m2',
  e: 5,
  m: 2,
  denormals: true,
  specials: 'ieee',
  overflow: 'saturate',
});

/** OCP E5M2, non-saturating: overflow and ±Inf are ±Inf. */
export const fp8E5m2NoSat = minifloat({
  name: 'fp8-e5m2-nosat',
  e: 5,
  m: 2,
  denormals: true,
  specials: 'ieee',
  overflow: 'special',
});
