import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFormat, numberFormats } from '../../../src/faults/formats/registry.js';
import { Rng } from '../../../src/core/rng.js';
import { bitsToF32 } from '../../../src/faults/formats/fp32.js';
import { checkRoundToNearestEven } from './round-trip.js';

test('fp:e5m10 is IEEE binary16: the same value and binary32 widening for all 65,536 patterns', () => {
  const fp = numberFormat('fp:e5m10');
  for (let p = 0; p < 0x10000; p++) {
    assert.ok(Object.is(fp.decode(p), numberFormats.fp16.decode(p)), `0x${p.toString(16)}`);
    assert.equal(fp.toF32Bits(p), numberFormats.fp16.toF32Bits(p));
  }
  checkRoundToNearestEven(fp);
});

test('fp:e8m7 encodes random fp32 patterns as bf16 does, and fp:e5m10 as fp16 does', () => {
  const rng = new Rng(16);
  const e8m7 = numberFormat('fp:e8m7');
  const e5m10 = numberFormat('fp:e5m10');
  for (let i = 0; i < 20000; i++) {
    const x = bitsToF32(rng.nextU32());
    if (Number.isNaN(x)) continue;
    assert.equal(e8m7.encode(x), numberFormats.bf16.encode(x), `bf16 ${x}`);
    assert.equal(e5m10.encode(x), numberFormats.fp16.encode(x), `fp16 ${x}`);
  }
});

test('small IEEE-style formats round to nearest even with subnormals', () => {
  for (const spec of ['fp:e2m1', 'fp:e3m2', 'fp:e4m3', 'fp:e6m5']) checkRoundToNearestEven(numberFormat(spec));
  const e4m3 = numberFormat('fp:e4m3'); // IEEE-style E4M3: max 240, exponent 15 is Inf/NaN
  assert.deepEqual(
    [e4m3.decode(0x77), e4m3.decode(0x78), e4m3.encode(248), e4m3.encode(247)],
    [240, Infinity, 0x78, 0x77],
  );
});

test(':ftz has no subnormals: exponent 0 reads ±0, results below the least normal flush, round-up to it is kept', () => {
  const ftz = numberFormat('fp:e4m3:ftz');
  assert.deepEqual(
    [0x00, 0x01, 0x07, 0x08].map((p) => ftz.decode(p)),
    [0, 0, 0, 2 ** -6],
  );
  assert.ok(Object.is(ftz.decode(0x85), -0));
  assert.deepEqual(
    [2 ** -7, 2 ** -6 - 2 ** -10, 2 ** -6].map((x) => ftz.encode(x)),
    [0x00, 0x08, 0x08],
  );
  assert.equal(ftz.encode(-(2 ** -7)), 0x80);
});
