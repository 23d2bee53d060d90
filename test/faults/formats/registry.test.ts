import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFamilies, numberFormat, numberFormats } from '../../../src/faults/formats/registry.js';
import { int8Scale } from '../../../src/faults/formats/int8.js';
import { TgrError } from '../../../src/core/errors.js';

const values = [0, -0, 1, -1, 1.5, 0.1, -0.37, 3.14159, 1e-3, -42.5, 65504, 2 ** -20, 1e-40, 100.25, -1e30];
const ctx = { scale: int8Scale(120), exponent: 6 };

test('every format has the documented width', () => {
  assert.deepEqual(Object.fromEntries(Object.entries(numberFormats).map(([k, f]) => [k, f.bits])), {
    fp32: 32,
    fp16: 16,
    bf16: 16,
    int8: 8,
    'fp8-e4m3': 8,
    'fp8-e4m3-nosat': 8,
    'fp8-e5m2': 8,
    'fp8-e5m2-nosat': 8,
    bfp8: 16,
  });
});

test('bits stored per value: the width, but a BFP value stores M + 1 bits and its block’s 8-bit exponent once per K', () => {
  // bfp8 is bfp:8:m7: 7 + 1 + 8/8.
  for (const [k, f] of Object.entries(numberFormats)) assert.equal(f.storedBits, k === 'bfp8' ? 9 : f.bits, k);
  assert.equal(numberFormat('bfp:4:m3').storedBits, 6);
  assert.equal(numberFormat('bfp:1:m7').storedBits, 16);
  assert.equal(numberFormat('bfp:16:m3').storedBits, 4.5);
  assert.equal(numberFormat('int:4').storedBits, 4);
  assert.equal(numberFormat('q:3.4').storedBits, numberFormat('q:3.4').bits);
});

test('flipping the same bit twice restores the represented value, for every bit of every format', () => {
  for (const format of Object.values(numberFormats)) {
    for (const x of values) {
      const represented = format.decode(format.encode(x, ctx), ctx);
      for (let bit = 0; bit < format.bits; bit++) {
        // Bits stored once per block (BFP's exponent) are not the value's own: a value alone cannot carry them back
        // (flip-pattern.test.ts checks them on patterns, bfp.test.ts by hand).
        if (((format.shared ?? 0) >>> bit) & 1) continue;
        const once = format.flip(x, bit, ctx);
        assert.equal(once, Math.fround(once), `${format.name} flip is an fp32 value`);
        // A NaN loses its payload (and sign) in a JS number, so the undo is checked on patterns there
        // (flip-pattern.test.ts).
        if (Number.isNaN(once)) continue;
        // A saturating format holds an Inf pattern (a flip reaches it) but encodes the value Inf as its max.
        if (!Number.isFinite(once) && Number.isFinite(format.decode(format.encode(Infinity, ctx), ctx))) continue;
        assert.equal(
          format.encode(once, ctx) === format.encode(x, ctx),
          false,
          `${format.name} ${x} bit ${bit} changed the pattern`,
        );
        assert.ok(Object.is(format.flip(once, bit, ctx), represented), `${format.name} ${x} bit ${bit}`);
      }
    }
  }
});

test('several bits flip as one mask, and the same mask undoes it', () => {
  for (const format of Object.values(numberFormats)) {
    const own = [...Array(format.bits).keys()].filter((b) => !(((format.shared ?? 0) >>> b) & 1));
    const bits = [0, 2, own.at(-3)!]; // the value's own bits (see above)
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
  assert.throws(
    () => numberFormat('fp8'),
    /unknown number format 'fp8'; choose one of: fp32, fp16, bf16, int8, fp8-e4m3/,
  );
});

test('a family spec builds its format once; a bad family or argument is one line saying what to write', () => {
  assert.equal(numberFormat('fp:e5m10'), numberFormat('fp:e5m10'));
  assert.deepEqual(
    ['fp:e5m10', 'fp:e4m3:ftz', 'int:4', 'q:3.4', 'bfp:8:m7'].map((s) => [numberFormat(s).name, numberFormat(s).bits]),
    [
      ['fp:e5m10', 16],
      ['fp:e4m3:ftz', 8],
      ['int:4', 4],
      ['q:3.4', 8],
      ['bfp:8:m7', 16],
    ],
  );
  assert.throws(
    () => numberFormat('posit:8'),
    (e: unknown) =>
      e instanceof TgrError &&
      e.message ===
        "unknown number format family 'posit' in 'posit:8'; choose one of: fp, int, q, bfp (or a name: fp32, fp16, bf16, int8, fp8-e4m3, fp8-e4m3-nosat, fp8-e5m2, fp8-e5m2-nosat, bfp8)",
  );
  assert.throws(
    () => numberFormat('fp:e9m3'),
    /^TgrError: number format 'fp:e9m3' is not fp:eXmY\[:ftz\] with 2 ≤ X ≤ 8 and 1 ≤ Y ≤ 23; write e.g. fp:e5m10/,
  );
  assert.throws(() => numberFormat('int:25'), /'int:25' is not int:K\[:channel\] with 2 ≤ K ≤ 24/);
  assert.throws(() => numberFormat('q:20.4'), /'q:20.4' is not q:I.F with 1 \+ I \+ F between 2 and 24 bits/);
  assert.throws(() => numberFormat('bfp:8'), /'bfp:8' is not bfp:K:mM/);
});

test('each family declares the syntax it reads under its own prefix, and that syntax builds', () => {
  assert.deepEqual(
    Object.entries(formatFamilies).map(([prefix, f]) => [prefix, f.syntax]),
    [
      ['fp', 'fp:eXmY[:ftz]'],
      ['int', 'int:K[:channel]'],
      ['q', 'q:I.F'],
      ['bfp', 'bfp:K:mM'],
    ],
  );
  assert.equal(formatFamilies.int!.build('4').name, 'int:4');
  // Only the per-channel grid reads options: where the images that set its channel scales are.
  assert.deepEqual(
    Object.entries(formatFamilies).flatMap(([p, f]) => Object.values(f.options ?? {}).map((o) => `${p}: --${o!.flag}`)),
    ['int: --dataset', 'int: --data-dir'],
  );
});
