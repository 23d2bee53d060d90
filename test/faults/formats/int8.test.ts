import { test } from 'node:test';
import assert from 'node:assert/strict';
import { int8, int8Scale, roundHalfEven } from '../../../src/faults/formats/int8.js';
import { TgrError } from '../../../src/core/errors.js';

const ctx = { scale: int8Scale(12.7) }; // 0.1 per step

test('int8 scale is max|x| / 127 and ±max maps to ±127', () => {
  assert.equal(int8Scale(127), 1);
  assert.equal(int8.encode(12.7, ctx), 127);
  assert.equal(int8.encode(-12.7, ctx), 0x81); // −127 in two's complement
  assert.equal(int8.decode(0x81, ctx), Math.fround(-12.7));
  assert.equal(int8.encode(0, ctx), 0);
});

test('int8 rounds half to even and saturates', () => {
  const one = { scale: 1 };
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001].map(roundHalfEven), [0, 2, 2, 0, -2, -2, 2, 3]);
  assert.equal(int8.encode(2.5, one), 2);
  assert.equal(int8.encode(3.5, one), 4);
  assert.equal(int8.encode(-2.5, one), 0xfe);
  assert.equal(int8.encode(1000, one), 127);
  assert.equal(int8.encode(-127.5, one), 0x80); // saturation uses the whole int8 range, as QuantizeLinear does
  assert.equal(int8.encode(-1000, one), 0x80);
  assert.equal(int8.encode(Infinity, one), 127);
  assert.equal(int8.encode(-Infinity, one), 0x80);
  assert.equal(int8.encode(NaN, one), 0);
});

test("int8 flips work on two's complement: bit 7 of 1 gives −127, of 0 gives −128", () => {
  const one = { scale: 1 };
  assert.equal(int8.flip(1, 7, one), -127);
  assert.equal(int8.flip(0, 7, one), -128);
  assert.equal(int8.flip(0, 6, one), 64);
  assert.equal(int8.flip(5, 0, one), 4);
  assert.equal(int8.flip(0.26, 7, { scale: 0.5 }), -63.5); // 0.26 → q = 1 → 0x81 → −127 · 0.5
  assert.equal(int8.flip(12.7, 6, ctx), Math.fround(6.3));
});

test('int8 round-trips all 256 patterns', () => {
  for (let p = 0; p < 256; p++) assert.equal(int8.encode(int8.decode(p, ctx), ctx), p);
});

test('int8 without a usable scale says what to pass', () => {
  assert.throws(
    () => int8.encode(1),
    (e: unknown) => e instanceof TgrError && e.code === 'bad_argument' && /ctx\.scale/.test(e.message),
  );
  assert.throws(() => int8Scale(0), /profiled max \|activation\| > 0/);
  assert.throws(() => int8Scale(NaN), TgrError);
});
