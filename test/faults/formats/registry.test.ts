import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFormat, numberFormats } from '../../../src/faults/formats/registry.js';
import { int8Scale } from '../../../src/faults/formats/int8.js';
import { TgrError } from '../../../src/core/errors.js';

const values = [0, -0, 1, -1, 1.5, 0.1, -0.37, 3.14159, 1e-3, -42.5, 65504, 2 ** -20, 1e-40, 100.25, -1e30];
const ctx = { scale: int8Scale(120) };

test('every format has the documented width', () => {
  assert.deepEqual(Object.fromEntries(Object.entries(numberFormats).map(([k, f]) => [k, f.bits])), {
    fp32: 32,
    fp16: 16,
    bf16: 16,
    int8: 8,
  });
});

test('flipping the same bit twice restores the represented value, for every bit of every format', () => {
  for (const format of Object.values(numberFormats)) {
    for (const x of values) {
      const represented = format.decode(format.encode(x, ctx), ctx);
      for (let bit = 0; bit < format.bits; bit++) {
        const once = format.flip(x, bit, ctx);
        assert.equal(once, Math.fround(once), `${format.name} flip is an fp32 value`);
        assert.equal(
          format.encode(once, ctx) === format.encode(x, ctx),
          false,
          `${format.name} ${x} bit ${bit} changed the pattern`,
        );
        // A NaN loses its payload in a JS number, so the undo is checked on patterns there (exact by construction).
        if (Number.isNaN(once)) continue;
        assert.ok(Object.is(format.flip(once, bit, ctx), represented), `${format.name} ${x} bit ${bit}`);
      }
    }
  }
});

test('several bits flip as one mask, and the same mask undoes it', () => {
  for (const format of Object.values(numberFormats)) {
    const bits = [0, 2, format.bits - 3];
    const x = 0.37;
    const once = format.flip(x, bits, ctx);
    const stepwise = bits.reduce((v, b) => format.flip(v, b, ctx), x);
    assert.ok(Object.is(once, stepwise), format.name);
    assert.equal(format.flip(once, bits, ctx), format.decode(format.encode(x, ctx), ctx));
  }
});

test('each format builds its per-layer context from the profiled max |x|', () => {
  assert.deepEqual(numberFormats.fp32.contextFor(5), {});
  assert.deepEqual(numberFormats.bf16.contextFor(5), {});
  assert.deepEqual(numberFormats.int8.contextFor(12.7), { scale: 12.7 / 127 });
  const ctx8 = numberFormats.int8.contextFor(12.7);
  assert.equal(numberFormats.int8.flip(12.7, 6, ctx8), Math.fround(6.3));
});

test('a bit outside the format is a bad_fault_site error naming the range', () => {
  assert.throws(
    () => numberFormats.fp16.flip(1, 16),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'bad_fault_site' &&
      e.message === 'bit 16 is outside fp16 (bits 0..15, 0 = LSB); pick a bit below 16',
  );
  assert.throws(() => numberFormats.int8.flip(1, [1, -1], ctx), /bit -1 is outside int8/);
  assert.throws(() => numberFormats.fp32.flip(1, 1.5), /bit 1.5/);
});

test('an unknown format name lists the formats that exist', () => {
  assert.equal(numberFormat('bf16'), numberFormats.bf16);
  assert.throws(() => numberFormat('fp8'), /unknown number format 'fp8'; choose one of: fp32, fp16, bf16, int8/);
});
