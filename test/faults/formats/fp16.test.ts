import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fp16 } from '../../../src/faults/formats/fp16.js';
import { checkRoundToNearestEven } from './round-trip.js';

test('fp16 of 65504 is the largest finite pattern; from the halfway point to 65536 on it overflows to Inf', () => {
  assert.equal(fp16.encode(65504), 0x7bff);
  assert.equal(fp16.decode(0x7bff), 65504);
  assert.equal(fp16.encode(65519.99), 0x7bff);
  assert.equal(fp16.encode(65520), 0x7c00); // the tie goes to the even pattern, which is Inf
  assert.equal(fp16.encode(-70000), 0xfc00);
  assert.ok(Number.isNaN(fp16.flip(65504, 10))); // 0x7bff ^ 0x400 = 0x7fff: exponent all ones, mantissa ≠ 0
  assert.equal(fp16.flip(65504, 15), -65504);
  assert.equal(fp16.flip(65504, 14), 0.99951171875);
});

test('fp16 bit patterns and flips of ordinary values', () => {
  assert.equal(fp16.encode(1), 0x3c00);
  assert.equal(fp16.encode(0.1), 0x2e66);
  assert.equal(fp16.decode(0x2e66), 0.0999755859375);
  assert.equal(fp16.flip(0.1, 14), 6552);
  assert.equal(fp16.flip(1, 14), Infinity);
  assert.ok(Number.isNaN(fp16.flip(1.5, 14)));
  assert.equal(fp16.flip(1, 13), 0.00390625);
  assert.equal(fp16.flip(1 / 3, 0), 0.3330078125);
});

test('fp16 subnormals: 2^-24 is the smallest, 2^-25 ties to zero, 3·2^-26 rounds up', () => {
  assert.equal(fp16.encode(2 ** -24), 0x0001);
  assert.equal(fp16.flip(0, 0), 2 ** -24);
  assert.equal(fp16.encode(2 ** -25), 0x0000);
  assert.equal(fp16.encode(3 * 2 ** -26), 0x0001);
  assert.equal(fp16.encode(2 ** -14 - 2 ** -25), 0x0400); // largest subnormal + half an ulp ties up to the smallest normal
  assert.equal(fp16.encode(-1e-9), 0x8000);
  assert.equal(fp16.flip(2 ** -14, 10), 0);
});

test('fp16 round-trips every pattern and rounds every midpoint to even (exhaustive)', () => {
  checkRoundToNearestEven(fp16);
});
