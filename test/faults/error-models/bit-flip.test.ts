import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitFlip } from '../../../src/faults/error-models/bit-flip.js';
import { numberFormats } from '../../../src/faults/formats/registry.js';
import { faultSite } from '../../../src/faults/plan/site.js';
import { Rng } from '../../../src/core/rng.js';

test('bit-flip picks one bit, uniformly over the format', () => {
  const rng = new Rng('bit-flip');
  const counts = new Array<number>(32).fill(0);
  const n = 32_000;
  for (let i = 0; i < n; i++) {
    const bits = bitFlip.pickBits(rng, numberFormats.fp32);
    assert.equal(bits.length, 1);
    counts[bits[0]!]!++;
  }
  // Each count is Binomial(n, 1/32): mean 1000, sd ≈ 31; ±5 sd never fails for this fixed seed.
  for (const c of counts) assert.ok(Math.abs(c - 1000) < 160, `count ${c}`);
});

test('bit-flip corrupts exactly the recorded bit and returns the binary32 pattern it made', () => {
  const { fp32, fp16 } = numberFormats;
  const flip = (x: number, bit: number, format = fp32) => bitFlip.corrupt(x, faultSite('fc', 0, 0, [bit]), format);
  assert.deepEqual(flip(1.5, 23), { value: 0.75, bits: 0x3f400000 });
  assert.deepEqual(flip(1.5, 31), { value: -1.5, bits: 0xbfc00000 });
  assert.deepEqual(flip(1.5, 30), { value: NaN, bits: 0x7fc00000 });
  // fp16: the pattern is the binary32 of the decoded value; 1 = 0x3c00, bit 13 → 0x1c00 = 2^−8, bit 14 → 0x7c00.
  assert.deepEqual(flip(1, 13, fp16), { value: 0.00390625, bits: 0x3b800000 });
  assert.deepEqual(flip(1, 14, fp16), { value: Infinity, bits: 0x7f800000 });
  // 0x3c01 with bit 14 is the signalling NaN 0x7c01: its payload moves up 13 bits and stays signalling.
  assert.deepEqual(flip(fp16.decode(0x3c01), 14, fp16), { value: NaN, bits: 0x7f802000 });
});
