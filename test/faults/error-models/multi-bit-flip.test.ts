import { test } from 'node:test';
import assert from 'node:assert/strict';
import { multiBitFlip } from '../../../src/faults/error-models/multi-bit-flip.js';
import { numberFormats } from '../../../src/faults/formats/registry.js';
import { faultSite } from '../../../src/faults/plan/site.js';
import { Rng } from '../../../src/core/rng.js';

test('adjacent runs stay inside the word and cover every start', () => {
  const model = multiBitFlip(3, 'adjacent');
  const rng = new Rng(3);
  const starts = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const bits = model.pickBits(rng, numberFormats.int8);
    assert.deepEqual(bits, [bits[0]!, bits[0]! + 1, bits[0]! + 2]);
    starts.add(bits[0]!);
  }
  assert.deepEqual([...starts].sort(), [0, 1, 2, 3, 4, 5]);
});

test('random placement picks k distinct sorted bits; k = width picks them all', () => {
  const rng = new Rng(4);
  for (let i = 0; i < 500; i++) {
    const bits = multiBitFlip(4, 'random').pickBits(rng, numberFormats.fp16);
    assert.equal(new Set(bits).size, 4);
    assert.deepEqual(
      bits,
      [...bits].sort((a, b) => a - b),
    );
  }
  assert.deepEqual(multiBitFlip(8, 'random').pickBits(rng, numberFormats.int8), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('a multi-bit fault flips all its bits at once and returns the binary32 pattern it made', () => {
  const model = multiBitFlip(2, 'adjacent');
  // 1.5 = 0x3fc00000; bits 22 and 23 → 0x3f000000.
  assert.deepEqual(model.corrupt(1.5, faultSite('fc', 0, 0, [22, 23]), numberFormats.fp32), {
    value: 0.5,
    bits: 0x3f000000,
  });
  // int8 q = 1, bits 0 and 1 → q = 2, whose fp32 value 2 is 0x40000000.
  assert.deepEqual(model.corrupt(1, faultSite('fc', 0, 0, [0, 1]), numberFormats.int8, { scale: 1 }), {
    value: 2,
    bits: 0x40000000,
  });
});
