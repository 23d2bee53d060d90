import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bfpExponent, bfpFamily, bfpQuantize } from '../../../src/faults/formats/bfp.js';
import { numberFormat, numberFormats } from '../../../src/faults/formats/registry.js';

test('a hand-worked bfp:4:m3 block: max 3 gives E = 1, step 2^(1−3+1) = 0.5, sign + 3 magnitude bits, E + 127 above', () => {
  const f = bfpFamily('4:m3');
  const ctx = { exponent: bfpExponent(3) };
  assert.equal(ctx.exponent, 1);
  // 1 → 2 steps; −0.75 → 1.5 steps, tie to even 2 → −1; 0.1 → 0.2 steps → 0; 3 → 6 steps; bits 4..11 hold 1 + 127.
  assert.deepEqual(
    [1, -0.75, 0.1, 3].map((x) => f.encode(x, ctx)),
    [0b10000000_0010, 0b10000000_1010, 0b10000000_0000, 0b10000000_0110],
  );
  assert.deepEqual([...bfpQuantize(f, new Float32Array([1, -0.75, 0.1, 3]), [1, 4, 1])], [1, -1, 0, 3]);
});

test('blocks run along the channel axis at each position; a short last block has its own exponent', () => {
  const f = bfpFamily('2:m3');
  // N=1, C=3, 2 positions: channels (0,1) share an exponent per position, channel 2 is a block alone.
  const x = new Float32Array([3, 0.3, 0.3, 0.3, 0.3, 0.3]);
  // position 0: block (3, 0.3) E=1 step 0.5 → 3, 0.5; position 1: (0.3, 0.3) E=−2 step 1/16 → 0.3125 each;
  // channel 2 alone: E=−2 → 0.3125.
  assert.deepEqual([...bfpQuantize(f, x, [1, 3, 2])], [3, 0.3125, 0.5, 0.3125, 0.3125, 0.3125]);
});

test('BFP saturates at 2^M − 1 steps, rounds ties to even, and keeps the sign of zero', () => {
  const f = bfpFamily('4:m3');
  const ctx = { exponent: 1 };
  assert.deepEqual(
    [3.9, 1e30, -Infinity, 1.25, 1.75, NaN].map((x) => f.decode(f.encode(x, ctx), ctx)),
    [3.5, 3.5, -3.5, 1, 2, 0],
  );
  assert.ok(Object.is(f.decode(f.encode(-0.01, ctx), ctx), -0));
  assert.equal(f.flip(1, 2, ctx), 3); // 0010 → 0110
  assert.equal(f.flip(1, 3, ctx), -1); // the sign bit
});

test('bfp8 is bfp:8:m7; its per-layer context treats the layer as one block', () => {
  assert.equal(numberFormats.bfp8.name, 'bfp:8:m7');
  assert.equal(numberFormats.bfp8.bits, 16); // 7 magnitude bits, the sign, the block's 8 exponent bits
  assert.equal(numberFormats.bfp8.shared, 0xff00);
  assert.deepEqual(numberFormats.bfp8.contextFor(100), { exponent: 6 });
  assert.deepEqual([bfpExponent(0), bfpExponent(2 ** -140), bfpExponent(-5)], [-127, -127, 2]);
  assert.throws(() => numberFormat('bfp:8:m7').encode(1), /^TgrError: bfp:8:m7 needs ctx.exponent/);
});

test('a flip of the shared exponent: bit M+1+k adds or removes 2^k from E for every value of the block, exactly', () => {
  const f = bfpFamily('4:m3');
  // The block (1, −0.75, 0.1, 3) holds 1, −1, 0, 3 with E = 1 (step ½): patterns 2, 10, 0, 6 under exponent 128.
  const ctx = { exponent: 1 };
  const block = [1, -0.75, 0.1, 3];
  // Bit 4 is the exponent's lowest bit: 128 → 129, E = 2, step 1, every value doubles.
  assert.deepEqual(
    block.map((x) => f.flip(x, 4, ctx)),
    [2, -2, 0, 6],
  );
  // Bit 11 is its highest: 128 → 0, E = −127, step 2^−129: the values fall to subnormal fp32 (q · 2^−129).
  assert.deepEqual(
    block.map((x) => f.flip(x, 11, ctx)),
    [2 * 2 ** -129, -2 * 2 ** -129, 0, 6 * 2 ** -129],
  );
  // Bit 10 (2^6): 128 → 192, E = 65, step 2^63.
  assert.deepEqual(
    block.map((x) => f.flip(x, 10, ctx)),
    [2 ** 64, -(2 ** 64), 0, 6 * 2 ** 63],
  );
  // From E = 127 (field 254), bit 4 gives field 255: E = 128, step 2^126: 4 steps pass fp32’s range, 1 step does not.
  assert.deepEqual(
    [2 ** 127, 2 ** 125].map((x) => f.flip(x, 4, { exponent: 127 })),
    [Infinity, 2 ** 126],
  );
  assert.equal(f.shared, 0b1111_1111_0000);
});
