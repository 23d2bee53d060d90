import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomValue } from '../../../src/faults/error-models/random-value.js';
import { numberFormats } from '../../../src/faults/formats/registry.js';
import { faultSite } from '../../../src/faults/plan/site.js';
import { Rng } from '../../../src/core/rng.js';

test('random-value yields a uniform int8 pattern whatever the original value', () => {
  const format = numberFormats.int8;
  const ctx = { scale: 1 };
  const rng = new Rng('random-value');
  const counts = new Array<number>(256).fill(0);
  const n = 256 * 200;
  for (let i = 0; i < n; i++) {
    const original = (i % 5) - 2;
    const y = randomValue.corrupt(original, faultSite('l', 0, 0, randomValue.pickBits(rng, format)), format, ctx);
    counts[format.encode(y.value, ctx)]!++;
  }
  // Each pattern count is ≈ Binomial(n, 1/256): mean 200, sd ≈ 14; every pattern is hit, none far off.
  for (const c of counts) assert.ok(c > 120 && c < 280, `count ${c}`);
});

test('an empty bit set (random pattern equal to the original) leaves the value unchanged', () => {
  assert.deepEqual(randomValue.corrupt(0.1, faultSite('l', 0, 0, []), numberFormats.fp32), {
    value: Math.fround(0.1),
    bits: 0x3dcccccd,
  });
});

test('random-value returns the pattern it made: 1.5 with bits 0 and 30 is the NaN 0x7fc00001, payload kept', () => {
  assert.deepEqual(randomValue.corrupt(1.5, faultSite('l', 0, 0, [0, 30]), numberFormats.fp32), {
    value: NaN,
    bits: 0x7fc00001,
  });
});
