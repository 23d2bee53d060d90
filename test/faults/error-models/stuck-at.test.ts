import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stuckAt } from '../../../src/faults/error-models/stuck-at.js';
import { numberFormats } from '../../../src/faults/formats/registry.js';
import { faultSite } from '../../../src/faults/plan/site.js';

const { fp32, fp16, int8 } = numberFormats;
const at = (bit: number) => faultSite('conv', 0, 0, [bit]);

test('stuck-at-1 sets the bit and is masked when it was already 1', () => {
  assert.equal(stuckAt(1).corrupt(1.5, at(31), fp32), -1.5);
  assert.equal(stuckAt(1).corrupt(-1.5, at(31), fp32), -1.5);
  assert.equal(stuckAt(1).corrupt(1.5, at(22), fp32), 1.5); // mantissa MSB of 1.5 is already 1
  assert.ok(Number.isNaN(stuckAt(1).corrupt(1.5, at(30), fp32)));
  assert.equal(stuckAt(1).corrupt(0, at(7), int8, { scale: 1 }), -128);
});

test('stuck-at-0 clears the bit and is masked when it was already 0', () => {
  assert.equal(stuckAt(0).corrupt(-1.5, at(31), fp32), 1.5);
  assert.equal(stuckAt(0).corrupt(1.5, at(31), fp32), 1.5);
  assert.equal(stuckAt(0).corrupt(1.5, at(22), fp32), 1);
  assert.equal(stuckAt(0).corrupt(1.5, at(29), fp32), 8.131516293641283e-20); // exponent 0x7f → 0x5f
  assert.equal(stuckAt(0).corrupt(1, at(13), fp16), 0.00390625);
});
