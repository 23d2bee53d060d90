import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignRows, precomputed } from '../../../src/text/encoders/precomputed.js';
import type { Matrix } from '../../../src/text/matrix.js';

/** Row i holds [i, i]: picked rows read as their indices. */
const m: Matrix = { data: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3]), rows: 4, cols: 2 };
const picked = (x: Matrix) => Array.from({ length: x.rows }, (_, i) => x.data[i * 2]!);

test('alignRows: rows in the dataset order by exact name, then by loose name (case, _, -, spaces)', () => {
  const names = ['Dog', 'cat', 'ankle_boot', 'car'];
  assert.deepEqual(picked(alignRows(m, names, ['car', 'Dog', 'Ankle Boot', 'cat'], 'f.npy')), [3, 0, 2, 1]);
});

test("alignRows: a repeated name's k-th use takes its k-th row (ImageNet's two cranes)", () => {
  const names = ['crane', 'owl', 'crane', 'kite'];
  assert.deepEqual(picked(alignRows(m, names, ['crane', 'kite', 'crane'], 'f.npy')), [0, 3, 2]);
});

test('alignRows: without names the rows are taken as they are when the counts agree, else one line', () => {
  assert.equal(alignRows(m, undefined, ['a', 'b', 'c', 'd'], 'f.npy'), m);
  assert.throws(() => alignRows(m, undefined, ['a', 'b'], 'f.npy'), {
    message: "f.npy has 4 rows but there are 2 classes; pass --class-names FILE naming the file's rows",
  });
});

test('alignRows: missing classes are named (five at most, then a count)', () => {
  const wanted = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'w'];
  assert.throws(() => alignRows(m, ['w', 'x', 'y', 'z'], wanted, 'f.npy'), {
    code: 'unknown_name',
    message:
      "f.npy: no row named 'a', 'b', 'c', 'd', 'e', … 2 more among its 4 class names; check --class-names or the dataset's class names",
  });
});

test('precomputed: --matrix is required', async () => {
  await assert.rejects(precomputed.create({}, { cacheDir: '/nonexistent' }), {
    message: 'encoder precomputed needs --matrix FILE (.npy, .json, .safetensors or .pth)',
  });
});
