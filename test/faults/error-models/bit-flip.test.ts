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

test('bit-flip corrupts exactly the recorded bit', () => {
  assert.equal(bitFlip.corrupt(1.5, faultSite('fc', 0, 0, [23]), numberFormats.fp32), 0.75);
  assert.equal(bitFlip.corrupt(1.5, faultSite('fc', 0, 0, [31]), numberFormats.fp32), -1.5);
  assert.equal(bitFlip.corrupt(1, faultSite('fc', 0, 0, [14]), numberFormats.fp16), Infinity);
});
