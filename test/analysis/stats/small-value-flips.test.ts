import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSmallValueFlips } from '../../../src/analysis/stats/small-value-flips.js';
import { Rng } from '../../../src/core/rng.js';

test('§7.3: for every fp32 |x| < 2 (all exponents, both signs, sampled mantissas) only bit 30 can reach |x| ≥ 2', () => {
  const outcomes = checkSmallValueFlips(new Rng('paper-7.3'), { mantissasPerExponent: 64 });
  const perBit = 128 * 2 * 67;
  for (const o of outcomes) {
    assert.equal(o.tested, perBit, `bit ${o.bit}`);
    if (o.bit === 30) continue;
    assert.equal(o.stayedBelow, o.tested, `bit ${o.bit} keeps |x| < 2`);
    assert.equal(o.nonFinite, 0);
    assert.ok(o.maxAbsAfter < 2);
  }
  // The statement is exact, not just sufficient: a bit-30 flip never stays below 2. Values in [1, 2) become Inf/NaN
  // (exponent 127 → 255); smaller ones are multiplied by 2^128 (0 becomes exactly 2).
  const b30 = outcomes[30]!;
  assert.equal(b30.stayedBelow, 0);
  assert.equal(b30.nonFinite, 2 * 67);
  assert.equal(b30.maxAbsAfter, 3.4028234663852886e38); // 0x7f7fffff, from the largest mantissa at exponent 126
  // Bit 31 only changes the sign: the largest |y| equals the largest |x| tested, 2 − 2^-23.
  assert.equal(outcomes[31]!.maxAbsAfter, 2 - 2 ** -23);
  // Bit 29 is the largest jump that stays below 2: exponent 0x5f → 0x7f takes 2^-64·1.x to 1.x.
  assert.equal(outcomes[29]!.maxAbsAfter, 2 - 2 ** -23);
});
