import { invariant } from '../core/errors.js';

/** A row-major rows×cols float32 matrix: the one shape every text stage hands on (C×E class embeddings). */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Euclidean norm of each row. */
export function rowNorms(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let c = 0; c < m.cols; c++) {
      const v = m.data[r * m.cols + c]!;
      s += v * v;
    }
    out[r] = Math.sqrt(s);
  }
  return out;
}

/** Scales every row to unit length in place; returns the original norms (a zero row stays zero, reported as 0). */
export function normalizeRows(m: Matrix): Float64Array {
  const norms = rowNorms(m);
  for (let r = 0; r < m.rows; r++) {
    const n = norms[r]!;
    if (n === 0) continue;
    for (let c = 0; c < m.cols; c++) m.data[r * m.cols + c]! /= n;
  }
  return norms;
}

/** Cosine similarity between every pair of rows (rows×rows, symmetric). */
export function cosineMatrix(m: Matrix): Matrix {
  const norms = rowNorms(m);
  const out = new Float32Array(m.rows * m.rows);
  for (let i = 0; i < m.rows; i++) {
    for (let j = i; j < m.rows; j++) {
      let s = 0;
      for (let c = 0; c < m.cols; c++) s += m.data[i * m.cols + c]! * m.data[j * m.cols + c]!;
      const d = norms[i]! * norms[j]!;
      const v = d === 0 ? 0 : s / d;
      out[i * m.rows + j] = v;
      out[j * m.rows + i] = v;
    }
  }
  return { data: out, rows: m.rows, cols: m.rows };
}

/** Copies the given rows, in order, into a new matrix. */
export function pickRows(m: Matrix, rows: readonly number[]): Matrix {
  const out = new Float32Array(rows.length * m.cols);
  rows.forEach((r, i) => {
    invariant(r >= 0 && r < m.rows, `pickRows: row ${r} of ${m.rows}`);
    out.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols);
  });
  return { data: out, rows: rows.length, cols: m.cols };
}
