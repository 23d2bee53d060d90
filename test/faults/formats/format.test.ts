import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../../src/core/errors.js';
import { bitMask, defineFormat, xorBits, type FormatCodec } from '../../../src/faults/formats/format.js';

/** A toy 4-bit unsigned integer format scaled by the context (q·scale), enough to see what defineFormat adds. */
const u4: FormatCodec = {
  name: 'u4',
  bits: 4,
  grid: { kind: 'integer', lo: 0, hi: 15 },
  encode: (x, ctx) => Math.min(15, Math.max(0, Math.round(x / (ctx?.scale ?? 1)))),
  decode: (p, ctx) => p * (ctx?.scale ?? 1),
  contextFor: (maxAbs) => ({ scale: maxAbs / 15 }),
  toF32Bits: (p) => p + 1000,
};

test('bitMask sets the given bits, unsigned, and refuses a bit outside the width', () => {
  assert.equal(bitMask('fp32', 32, 0), 1);
  assert.equal(bitMask('fp32', 32, 31), 0x80000000);
  assert.equal(bitMask('fp32', 32, [0, 3, 31]), 0x80000009);
  assert.equal(bitMask('int8', 8, []), 0);
  for (const bad of [8, -1, 1.5])
    assert.throws(
      () => bitMask('int8', 8, [0, bad]),
      (e) =>
        e instanceof TgrError &&
        e.code === 'bad_fault_site' &&
        e.message === `bit ${bad} is outside int8 (bits 0..7, 0 = LSB); pick a bit below 8` &&
        e.fields.format === 'int8' &&
        e.fields.bit === bad,
    );
});

test('xorBits stays unsigned on the sign bit', () => {
  assert.equal(xorBits(0x7fffffff, 0x80000000), 0xffffffff);
  assert.equal(xorBits(0xffffffff, 0x80000000), 0x7fffffff);
  assert.equal(xorBits(0b1010, 0b0110), 0b1100);
});

test('defineFormat flips through encode/decode and defaults what a codec omits', () => {
  const f = defineFormat(u4);
  assert.equal(f.name, 'u4');
  assert.equal(f.bits, 4);
  assert.equal(f.storedBits, 4);
  assert.equal('shared' in f, false);
  assert.equal(f.flip(5, 1), 7);
  assert.equal(f.flip(5, [0, 3]), 12);
  assert.equal(f.flip(20, 0), 14); // saturates to 15 first
  assert.equal(f.flip(6, 1, { scale: 2 }), 2); // q = 3, flipped to 1, times 2
  assert.equal(f.flip(0.1, 0, { scale: 0.1 }), Math.fround(0));
  assert.equal(f.flip(0.1, 1, { scale: 0.1 }), Math.fround(0.30000000000000004));
  assert.deepEqual(f.contextFor(30), { scale: 2 });
  assert.deepEqual(defineFormat({ ...u4, contextFor: undefined }).contextFor(30), {});
  assert.throws(() => f.flip(1, 4), /^TgrError: bit 4 is outside u4 \(bits 0\.\.3, 0 = LSB\); pick a bit below 4$/);
  const shared = defineFormat({ ...u4, shared: 2, storedBits: 3 });
  assert.equal(shared.shared, 2);
  assert.equal(shared.storedBits, 3);
});

test("mapPattern returns the value a pattern makes and the codec's binary32 pattern of it", () => {
  const f = defineFormat(u4);
  assert.deepEqual(
    f.mapPattern(9, () => 0),
    { value: 0, bits: 1000 },
  );
  assert.deepEqual(
    f.mapPattern(3, (p) => p + 1),
    { value: 4, bits: 1004 },
  );
  // The context reaches encode, decode and toF32Bits: q = 3, mapped to 5, times 0.1 rounded to fp32.
  assert.deepEqual(
    f.mapPattern(0.3, (p) => p + 2, { scale: 0.1 }),
    { value: Math.fround(0.5), bits: 1005 },
  );
});
