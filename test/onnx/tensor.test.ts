import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DType } from '../../src/onnx/types.js';
import { bytesPerElement } from '../../src/onnx/dtypes.js';
import { cloneTensor, cloneTensors, f32, i64, numel, scalar, toNumbers, zeros } from '../../src/onnx/tensor.js';

test('numel multiplies the dims; a scalar has one element and a zero dim none', () => {
  assert.equal(numel([2, 3, 4]), 24);
  assert.equal(numel([]), 1);
  assert.equal(numel([5, 0, 7]), 0);
});

test('zeros backs each dtype with a typed array of its byte width (16-bit floats as raw bits, bool as bytes)', () => {
  for (const dtype of Object.keys(bytesPerElement) as DType[]) {
    const t = zeros(dtype, [2, 3]);
    assert.equal(t.dtype, dtype);
    assert.deepEqual(t.dims, [2, 3]);
    assert.equal(t.data.length, 6);
    assert.equal(t.data.BYTES_PER_ELEMENT, bytesPerElement[dtype], dtype);
  }
  assert.ok(zeros('bfloat16', [1]).data instanceof Uint16Array);
  assert.ok(zeros('int64', [1]).data instanceof BigInt64Array);
  assert.ok(zeros('bool', [1]).data instanceof Uint8Array);
  assert.ok(zeros('int8', [1]).data instanceof Int8Array);
  assert.ok(zeros('float64', [1]).data instanceof Float64Array);
  const dims = [4];
  zeros('float32', dims).dims.push(9);
  assert.deepEqual(dims, [4]); // the tensor holds its own copy of dims
});

test('f32 rounds to float32, i64 converts to bigint; both check the count against the dims', () => {
  const t = f32([3], [0.1, -2, 1e40]);
  assert.deepEqual(Array.from(t.data), [Math.fround(0.1), -2, Infinity]);
  assert.deepEqual(i64([2], [-1, 2 ** 40]).data, BigInt64Array.of(-1n, 2n ** 40n));
  assert.throws(() => f32([2, 2], [1, 2, 3]), /f32: 3 values for dims \[2,2\]/);
  assert.throws(() => i64([1], []), /i64: 0 values for dims \[1\]/);
  assert.deepEqual(scalar(1.5), { dtype: 'float32', dims: [], data: Float32Array.of(1.5) });
});

test('cloneTensor and cloneTensors copy data and dims, so writes to the copy leave the original', () => {
  const a = f32([2], [1, 2]);
  const b = i64([1], [7]);
  const copies = cloneTensors({ a, b });
  assert.deepEqual(copies, { a, b });
  copies.a!.data[0] = 99;
  copies.a!.dims.push(1);
  (copies.b!.data as BigInt64Array)[0] = 0n;
  assert.deepEqual(a, f32([2], [1, 2]));
  assert.deepEqual(b, i64([1], [7]));
  const c = cloneTensor(a);
  assert.notEqual(c.data, a.data);
  assert.deepEqual(c, a);
});

test('toNumbers reads any dtype as plain numbers, int64 included', () => {
  assert.deepEqual(toNumbers(i64([3], [-3, 0, 5])), [-3, 0, 5]);
  assert.deepEqual(toNumbers(f32([2], [0.5, -1])), [0.5, -1]);
  assert.deepEqual(toNumbers({ dtype: 'float16', dims: [1], data: Uint16Array.of(0x3c00) }), [0x3c00]);
});
