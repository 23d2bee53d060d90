import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFormat } from '../../../src/faults/formats/registry.js';

test('q:3.4 is 8-bit two’s complement in steps of 1/16 over [−8, 7.9375], half-to-even, saturating', () => {
  const q = numberFormat('q:3.4');
  assert.equal(q.bits, 8);
  assert.deepEqual(
    [-8, 7.9375, 100, -100, Infinity, 0.03125, 0.09375, -0.0625, NaN].map((x) => q.encode(x)),
    [0x80, 0x7f, 0x7f, 0x80, 0x7f, 0x00, 0x02, 0xff, 0x00],
  );
  for (let p = 0; p < 256; p++) assert.equal(q.encode(q.decode(p)), p);
  assert.equal(q.flip(1, 7), -7); // 0x10 → 0x90 = −112 / 16
});

test('q:0.23 uses all 24 bits exactly', () => {
  const q = numberFormat('q:0.23');
  assert.equal(q.decode(0x800000), -1);
  assert.equal(q.decode(0x7fffff), 1 - 2 ** -23);
  assert.equal(q.encode(q.decode(0x123456)), 0x123456);
});
