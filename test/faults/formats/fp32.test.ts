import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitsToF32, f32ToBits, fp32 } from '../../../src/faults/formats/fp32.js';

test('fp32 encodes IEEE binary32 patterns exactly', () => {
  assert.equal(fp32.encode(1.5), 0x3fc00000);
  assert.equal(fp32.encode(-2), 0xc0000000);
  assert.equal(fp32.encode(-0), 0x80000000);
  assert.equal(fp32.encode(Infinity), 0x7f800000);
  assert.equal(fp32.encode(2 ** -149), 0x00000001); // smallest subnormal
  assert.equal(fp32.encode(0.1), 0x3dcccccd); // fp64 0.1 rounds to nearest fp32
  assert.equal(fp32.decode(0x7f7fffff), 3.4028234663852886e38);
  assert.equal(fp32.decode(0x00400000), 5.877471754111438e-39);
  assert.ok(Number.isNaN(fp32.decode(0x7fc00000)));
});

test('flipping bit 30 of 1.5f gives NaN, not 1.5·2^128 = 5.104235503814077e+38 (no fp32 holds that)', () => {
  // 1.5f = 0x3fc00000: exponent 0x7f; bit 30 makes it 0xff with a non-zero mantissa, which IEEE reserves for NaN.
  assert.equal(f32ToBits(1.5) ^ (1 << 30), 0x7fc00000);
  assert.ok(Number.isNaN(fp32.flip(1.5, 30)));
  assert.ok(5.104235503814077e38 > fp32.decode(0x7f7fffff));
  assert.equal(fp32.flip(1.0, 30), Infinity); // mantissa 0 → Inf instead of NaN
  assert.equal(fp32.flip(0.75, 30), 2.5521177519070385e38); // 0.75 · 2^128 fits: exponent 126 → 254
  assert.equal(fp32.flip(0, 30), 2);
  assert.equal(fp32.flip(-2, 30), -0);
  assert.ok(Object.is(fp32.flip(-2, 30), -0));
});

test('fp32 flips of other bits of 1.5f', () => {
  assert.equal(fp32.flip(1.5, 31), -1.5);
  assert.equal(fp32.flip(1.5, 29), 8.131516293641283e-20);
  assert.equal(fp32.flip(1.5, 23), 0.75);
  assert.equal(fp32.flip(1.5, 22), 1.0);
  assert.equal(fp32.flip(1.5, 0), 1.5000001192092896);
  assert.equal(fp32.flip(1.5, [22, 23]), 0.5);
});

test('fp32 subnormals survive a flip and its undo', () => {
  assert.equal(fp32.flip(0, 0), 2 ** -149);
  assert.equal(fp32.flip(2 ** -149, 0), 0);
  assert.equal(fp32.flip(2 ** -126, 23), 0); // smallest normal → zero by clearing its only exponent bit
  assert.equal(fp32.flip(0, 22), 2 ** -127);
  assert.equal(fp32.flip(fp32.flip(2 ** -140, 5), 5), 2 ** -140);
});

test('fp32 Inf and NaN outcomes', () => {
  assert.equal(fp32.flip(Infinity, 31), -Infinity);
  assert.ok(Number.isNaN(fp32.flip(Infinity, 0)));
  assert.equal(fp32.flip(Infinity, 23), 1.7014118346046923e38); // exponent 255 → 254, mantissa 0 → 2^127
  assert.equal(fp32.flip(2 ** 127, 23), Infinity);
  assert.ok(Number.isNaN(fp32.flip(3.4028234663852886e38, 23))); // max finite has mantissa all ones
});

test('fp32 results are fp32 values even for fp64 inputs', () => {
  const y = fp32.flip(0.1, 0);
  assert.equal(y, Math.fround(y));
  assert.equal(bitsToF32(0x3dcccccc), y);
});
