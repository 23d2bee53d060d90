import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bf16 } from '../../../src/faults/formats/bf16.js';
import { checkRoundToNearestEven } from './round-trip.js';

test('bf16 keeps the top 16 bits of fp32 and rounds the rest to nearest even (not truncation)', () => {
  assert.equal(bf16.encode(1), 0x3f80);
  assert.equal(bf16.encode(-1.5), 0xbfc0);
  assert.equal(bf16.encode(1 + 2 ** -8), 0x3f80); // tie, 0x3f80 is even
  assert.equal(bf16.encode(1 + 3 * 2 ** -8), 0x3f82); // tie, 0x3f81 is odd → up
  assert.equal(bf16.encode(1 + 2 ** -8 + 2 ** -20), 0x3f81); // just past the tie
  assert.equal(bf16.encode(0.1), 0x3dcd);
  assert.equal(bf16.decode(0x3dcd), 0.10009765625);
  assert.equal(bf16.encode(1 / 3), 0x3eab);
});

test('bf16 overflow, Inf, NaN and subnormals', () => {
  assert.equal(bf16.decode(0x7f7f), 3.3895313892515355e38);
  assert.equal(bf16.encode(3.3895313892515355e38), 0x7f7f);
  assert.equal(bf16.encode(3.4e38), 0x7f80); // past the last midpoint → Inf
  assert.equal(bf16.encode(-Infinity), 0xff80);
  assert.equal(bf16.encode(NaN) & 0x7fc0, 0x7fc0);
  assert.ok(Number.isNaN(bf16.decode(bf16.encode(NaN))));
  assert.equal(bf16.decode(0x0001), 9.183549615799121e-41);
  assert.equal(bf16.flip(0, 0), 9.183549615799121e-41);
});

test('bf16 flips share fp32 exponent semantics', () => {
  assert.ok(Number.isNaN(bf16.flip(1.5, 14))); // same as fp32 bit 30
  assert.equal(bf16.flip(1, 14), Infinity);
  assert.equal(bf16.flip(1.5, 15), -1.5);
  assert.equal(bf16.flip(1.5, 7), 0.75);
  assert.equal(bf16.flip(1.5, 6), 1);
  assert.equal(bf16.flip(1.5, 0), 1.5078125);
});

test('bf16 round-trips every pattern and rounds every midpoint to even (exhaustive)', () => {
  checkRoundToNearestEven(bf16);
});
