import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFormat, numberFormats } from '../../../src/faults/formats/registry.js';

test('int:4 is symmetric per-tensor: scale max/7, half-to-even, saturating over −8..7 in two’s complement', () => {
  const int4 = numberFormat('int:4');
  const ctx = int4.contextFor(7);
  assert.deepEqual(ctx, { scale: 1 });
  assert.deepEqual(
    [7, -7, -8, 100, -100, Infinity, 2.5, 3.5, -2.5, NaN].map((x) => int4.encode(x, ctx)),
    [7, 9, 8, 7, 8, 7, 2, 4, 14, 0],
  );
  assert.deepEqual(
    [0x8, 0xf, 0x7].map((p) => int4.decode(p, ctx)),
    [-8, -1, 7],
  );
  for (let p = 0; p < 16; p++) assert.equal(int4.encode(int4.decode(p, ctx), ctx), p);
  assert.equal(int4.flip(1, 3, ctx), -7); // 0001 → 1001
});

test('int:8 is int8', () => {
  const ctx = numberFormats.int8.contextFor(12.7);
  assert.deepEqual(numberFormat('int:8').contextFor(12.7), ctx);
  for (const x of [0, 12.7, -12.7, 3.3, -0.05, 1e9, -1e9])
    assert.equal(numberFormat('int:8').encode(x, ctx), numberFormats.int8.encode(x, ctx));
});

test('int:K without a scale, or profiled from zero, is one line saying what is needed', () => {
  assert.throws(() => numberFormat('int:4').encode(1), /^TgrError: int:4 needs ctx.scale = profiled max \|x\| \/ 7/);
  assert.throws(() => numberFormat('int:4').contextFor(0), /int:4 needs a layer's profiled max \|activation\| > 0/);
});

test('int:K:channel is the int:K grid (per-channel scales live in the layer context); its name keeps the option', () => {
  const f = numberFormat('int:8:channel');
  assert.equal(f.name, 'int:8:channel');
  assert.deepEqual(f.grid, { kind: 'integer', lo: -128, hi: 127, perChannel: true });
  assert.deepEqual(numberFormat('int:8').grid, { kind: 'integer', lo: -128, hi: 127, perChannel: false });
  const ctx = { scale: 0.5 };
  for (const x of [0, 1.25, -1.75, 63.5, 100, -100, NaN])
    assert.equal(f.encode(x, ctx), numberFormat('int:8').encode(x, ctx), `${x}`);
  assert.throws(() => numberFormat('int:8:tensor'), /'int:8:tensor' is not int:K\[:channel\]/);
});
