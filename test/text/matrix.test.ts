import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineMatrix, normalizeRows, pickRows, rowNorms, type Matrix } from '../../src/text/matrix.js';

const m = (rows: number[][]): Matrix => ({
  data: Float32Array.from(rows.flat()),
  rows: rows.length,
  cols: rows[0]!.length,
});

test('rowNorms: the Euclidean norm of each row', () => {
  assert.deepEqual(
    [
      ...rowNorms(
        m([
          [3, 4],
          [0, 0],
          [-5, 12],
        ]),
      ),
    ],
    [5, 0, 13],
  );
});

test('normalizeRows: unit rows in place, a zero row left zero; returns the original norms', () => {
  const x = m([
    [3, 4],
    [0, 0],
  ]);
  assert.deepEqual([...normalizeRows(x)], [5, 0]);
  assert.deepEqual([...x.data], [Math.fround(0.6), Math.fround(0.8), 0, 0]);
});

test('cosineMatrix: symmetric, 1 on the diagonal of non-zero rows, 0 against a zero row', () => {
  const c = cosineMatrix(
    m([
      [1, 0],
      [1, 1],
      [0, 0],
    ]),
  );
  assert.equal(c.rows, 3);
  assert.equal(c.cols, 3);
  const h = Math.fround(Math.SQRT1_2);
  assert.deepEqual([...c.data], [1, h, 0, h, 1, 0, 0, 0, 0]);
});

test('pickRows: the given rows in order, repeats allowed; a row out of range is an internal error', () => {
  const x = m([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const p = pickRows(x, [2, 0, 2]);
  assert.deepEqual({ rows: p.rows, cols: p.cols, data: [...p.data] }, { rows: 3, cols: 2, data: [5, 6, 1, 2, 5, 6] });
  assert.throws(() => pickRows(x, [3]), /tgr internal error: pickRows: row 3 of 3/);
});
