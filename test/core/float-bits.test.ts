import { test } from 'node:test';
import assert from 'node:assert/strict';
import { halfToFloat, bfloat16ToFloat } from '../../src/core/float-bits.js';

test('halfToFloat decodes normals, subnormals, zeros, infinities and NaN exactly', () => {
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0xc000), -2);
  assert.equal(halfToFloat(0x3555), 0.333251953125);
  assert.equal(halfToFloat(0x7bff), 65504);
  assert.equal(halfToFloat(0x0400), 2 ** -14);
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0x03ff), 1023 * 2 ** -24);
  assert.equal(halfToFloat(0x0000), 0);
  assert.ok(Object.is(halfToFloat(0x8000), -0));
  assert.equal(halfToFloat(0x7c00), Infinity);
  assert.equal(halfToFloat(0xfc00), -Infinity);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  assert.ok(Number.isNaN(halfToFloat(0xfc01)));
});

test('halfToFloat rises strictly over the positive finite codes and the sign bit negates', () => {
  let prev = -1;
  for (let h = 0; h < 0x7c00; h++) {
    const v = halfToFloat(h);
    assert.ok(v > prev, `code ${h.toString(16)} decodes to ${v}, not above ${prev}`);
    assert.ok(Object.is(halfToFloat(h | 0x8000), -v));
    prev = v;
  }
});

test('bfloat16ToFloat is the top half of a float32', () => {
  assert.equal(bfloat16ToFloat(0x3f80), 1);
  assert.equal(bfloat16ToFloat(0xc040), -3);
  assert.equal(bfloat16ToFloat(0x3eaa), 0.33203125);
  assert.equal(bfloat16ToFloat(0x7f80), Infinity);
  assert.equal(bfloat16ToFloat(0xff80), -Infinity);
  assert.ok(Number.isNaN(bfloat16ToFloat(0x7fc0)));
  assert.ok(Object.is(bfloat16ToFloat(0x8000), -0));
  assert.equal(bfloat16ToFloat(0x0001), 2 ** -133);
  const f = new Float32Array([Math.PI]);
  const top = new Uint32Array(f.buffer)[0]! >>> 16;
  assert.equal(bfloat16ToFloat(top), 3.140625);
});
