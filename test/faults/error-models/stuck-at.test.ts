import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stuckAt } from '../../../src/faults/error-models/stuck-at.js';
import { numberFormats } from '../../../src/faults/formats/registry.js';
import { faultSite } from '../../../src/faults/plan/site.js';

const { fp32, fp16, int8 } = numberFormats;
const at = (bit: number) => faultSite('conv', 0, 0, [bit]);

test('stuck-at-1 sets the bit, is masked when it was already 1, and returns the binary32 pattern it made', () => {
  assert.deepEqual(stuckAt(1).corrupt(1.5, at(31), fp32), { value: -1.5, bits: 0xbfc00000 });
  assert.deepEqual(stuckAt(1).corrupt(-1.5, at(31), fp32), { value: -1.5, bits: 0xbfc00000 });
  assert.deepEqual(stuckAt(1).corrupt(1.5, at(22), fp32), { value: 1.5, bits: 0x3fc00000 }); // mantissa MSB already 1
  assert.deepEqual(stuckAt(1).corrupt(1.5, at(30), fp32), { value: NaN, bits: 0x7fc00000 });
  assert.deepEqual(stuckAt(1).corrupt(0, at(7), int8, { scale: 1 }), { value: -128, bits: 0xc3000000 });
});

test('stuck-at-0 clears the bit, is masked when it was already 0, and returns the binary32 pattern it made', () => {
  assert.deepEqual(stuckAt(0).corrupt(-1.5, at(31), fp32), { value: 1.5, bits: 0x3fc00000 });
  assert.deepEqual(stuckAt(0).corrupt(1.5, at(31), fp32), { value: 1.5, bits: 0x3fc00000 });
  assert.deepEqual(stuckAt(0).corrupt(1.5, at(22), fp32), { value: 1, bits: 0x3f800000 });
  // Exponent 0x7f → 0x3f.
  assert.deepEqual(stuckAt(0).corrupt(1.5, at(29), fp32), { value: 8.131516293641283e-20, bits: 0x1fc00000 });
  // fp16 1 = 0x3c00 → 0x1c00 = 2^−8, whose binary32 is 0x3b800000.
  assert.deepEqual(stuckAt(0).corrupt(1, at(13), fp16), { value: 0.00390625, bits: 0x3b800000 });
});
