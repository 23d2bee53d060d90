import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFormats } from '../../../src/faults/formats/registry.js';
import { checkRoundToNearestEven } from './round-trip.js';

const e4m3 = [numberFormats['fp8-e4m3'], numberFormats['fp8-e4m3-nosat']];
const e5m2 = [numberFormats['fp8-e5m2'], numberFormats['fp8-e5m2-nosat']];

/** OCP OFP8 v1.0, E4M3: bias 7; exponent 0 is subnormal (2^−6 · M/8); S.1111.111 is NaN; no infinities. */
function ocpE4m3(code: number): number {
  const s = code & 0x80 ? -1 : 1;
  const e = (code >> 3) & 0xf;
  const m = code & 0x7;
  if (e === 0xf && m === 0x7) return NaN;
  return s * (e === 0 ? 2 ** -6 * (m / 8) : 2 ** (e - 7) * (1 + m / 8));
}

/** OCP OFP8 v1.0, E5M2: bias 15; IEEE-like: exponent 31 is ±Inf (M = 0) or NaN. */
function ocpE5m2(code: number): number {
  const s = code & 0x80 ? -1 : 1;
  const e = (code >> 2) & 0x1f;
  const m = code & 0x3;
  if (e === 0x1f) return m === 0 ? s * Infinity : NaN;
  return s * (e === 0 ? 2 ** -14 * (m / 4) : 2 ** (e - 15) * (1 + m / 4));
}

test('every one of the 256 FP8 codes decodes as the OCP formula says, saturating or not', () => {
  for (const [formats, table] of [
    [e4m3, ocpE4m3],
    [e5m2, ocpE5m2],
  ] as const) {
    for (const format of formats) {
      for (let c = 0; c < 256; c++) {
        assert.ok(Object.is(format.decode(c), table(c)), `${format.name} 0x${c.toString(16)}`);
      }
    }
  }
});

test('named FP8 values: E4M3 max 448, least normal 2^-6, least subnormal 2^-9, one NaN per sign; E5M2 max 57344', () => {
  const [e4] = e4m3;
  const [e5] = e5m2;
  assert.deepEqual(
    [e4!.decode(0x7e), e4!.decode(0x08), e4!.decode(0x01), e4!.decode(0xfe)],
    [448, 2 ** -6, 2 ** -9, -448],
  );
  const nans = (f: typeof e4) => [...Array(256).keys()].filter((c) => Number.isNaN(f!.decode(c)));
  assert.deepEqual(nans(e4), [0x7f, 0xff]);
  assert.deepEqual([e5!.decode(0x7b), e5!.decode(0x04), e5!.decode(0x01)], [57344, 2 ** -14, 2 ** -16]);
  assert.deepEqual([e5!.decode(0x7c), e5!.decode(0xfc)], [Infinity, -Infinity]);
  assert.deepEqual(nans(e5), [0x7d, 0x7e, 0x7f, 0xfd, 0xfe, 0xff]);
});

test('fp32 → FP8 rounds to nearest even, and every non-NaN code re-encodes to itself', () => {
  for (const format of [...e4m3, ...e5m2]) checkRoundToNearestEven(format, { saturates: format === e5m2[0] });
  assert.equal(e4m3[0]!.encode(1.0625), 0x38); // halfway between 1 and 1.125 → even mantissa 000
  assert.equal(e4m3[0]!.encode(1.1875), 0x3a); // halfway between 1.125 and 1.25 → even mantissa 010
  assert.equal(e4m3[0]!.encode(2 ** -10), 0x00); // half the least subnormal → 0
  assert.equal(e4m3[0]!.encode(3 * 2 ** -10), 0x02); // 1.5 least subnormals → 2
});

test('E4M3 saturates to ±448, the -nosat variant overflows to its NaN; a tie above max rounds down to 448', () => {
  const [sat, nosat] = e4m3;
  assert.deepEqual(
    [449, 464, 465, 1e30, Infinity, -Infinity, -1e30].map((x) => sat!.encode(x)),
    [0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0xfe, 0xfe],
  );
  assert.deepEqual(
    [449, 464, 465, Infinity, -Infinity, -465].map((x) => nosat!.encode(x)),
    [0x7e, 0x7e, 0x7f, 0x7f, 0xff, 0xff],
  );
  assert.equal(sat!.encode(NaN), 0x7f);
  assert.equal(nosat!.encode(NaN), 0x7f);
});

test('E5M2 saturates to ±57344 (fp32 ±Inf too), the -nosat variant overflows to ±Inf; NaN is the quiet 0x7e', () => {
  const [sat, nosat] = e5m2;
  assert.deepEqual(
    [61439, 61440, 1e9, Infinity, -Infinity].map((x) => sat!.encode(x)),
    [0x7b, 0x7b, 0x7b, 0x7b, 0xfb],
  );
  assert.deepEqual(
    [61439, 61440, 1e9, Infinity, -Infinity].map((x) => nosat!.encode(x)),
    [0x7b, 0x7c, 0x7c, 0x7c, 0xfc],
  );
  assert.equal(sat!.encode(NaN), 0x7e);
  assert.ok(Object.is(sat!.encode(-0), 0x80));
});

test('an FP8 NaN or Inf widens to binary32 with its mantissa bits on top', () => {
  assert.equal(e4m3[0]!.toF32Bits(0x7f), 0x7ff00000);
  assert.equal(e4m3[0]!.toF32Bits(0xff), 0xfff00000);
  assert.equal(e5m2[0]!.toF32Bits(0x7d), 0x7fa00000); // signalling NaN stays signalling
  assert.equal(e5m2[0]!.toF32Bits(0xfc), 0xff800000);
  assert.equal(e4m3[0]!.toF32Bits(0x01), 0x3b000000); // 2^-9
});
