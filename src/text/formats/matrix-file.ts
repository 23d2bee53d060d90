import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { TgrError, lookup } from '../../core/errors.js';
import type { Matrix } from '../matrix.js';
import { readNpy } from './npy.js';
import { readPth } from './pth.js';
import { readSafetensors } from './safetensors.js';

/** The report's path beside a matrix file: `x.npy` → `x.report.json`. */
export function reportPath(matrixPath: string): string {
  return matrixPath.replace(/\.[^./]+$/, '') + '.report.json';
}

/** A matrix read from a file, with the class names the file itself carries (JSON objects keyed by class do). */
export interface MatrixFile {
  matrix: Matrix;
  classes?: string[];
}

/** One reader per file extension; `tensor` names the tensor inside files that can hold several. */
export const matrixReaders: Record<string, (path: string, tensor?: string) => MatrixFile> = {
  '.npy': (path) => ({ matrix: readNpy(path) }),
  '.json': (path) => readJsonMatrix(path),
  '.safetensors': (path, tensor) => ({ matrix: readSafetensors(path, tensor) }),
  '.pth': (path, tensor) => ({ matrix: readPth(path, tensor) }),
  '.pt': (path, tensor) => ({ matrix: readPth(path, tensor) }),
};

/** Reads a C×E matrix from .npy, .json, .safetensors or .pth/.pt, picking the reader by extension. */
export function readMatrixFile(path: string, tensor?: string): MatrixFile {
  // Checked here, not by each reader, so every caller (--class-embeddings, --matrix, the pipeline) gets one line.
  const what = `pass a C×E matrix file (${Object.keys(matrixReaders).join(', ')})`;
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new TgrError('bad_file', `${path}: no such file; ${what}`, { file: path });
  if (st.isDirectory()) throw new TgrError('bad_file', `${path} is a folder; ${what}`, { file: path });
  const ext = extname(path).toLowerCase();
  const reader = lookup(matrixReaders, ext, `embedding file extension (${path})`);
  return reader(path, tensor);
}

/** JSON: an array of rows `[[…], …]`, or an object `{class: [...vector]}` whose keys name the rows. */
function readJsonMatrix(path: string): MatrixFile {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TgrError('bad_file', `${path}: not valid JSON (${(e as Error).message})`);
  }
  const classes = v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : undefined;
  const rows = (classes ? Object.values(v as object) : v) as unknown;
  if (
    !Array.isArray(rows) ||
    rows.length === 0 ||
    !rows.every((r) => Array.isArray(r) && r.every((x) => typeof x === 'number'))
  ) {
    throw new TgrError('bad_file', `${path}: expected [[numbers…], …] or {"class": [numbers…], …}`);
  }
  const cols = (rows[0] as number[]).length;
  const bad = rows.findIndex((r) => (r as number[]).length !== cols);
  if (bad >= 0) {
    throw new TgrError(
      'bad_file',
      `${path}: row ${classes ? `'${classes[bad]}'` : bad} has ${(rows[bad] as number[]).length} values; row 0 has ${cols}`,
    );
  }
  const data = Float32Array.from((rows as number[][]).flat());
  return { matrix: { data, rows: rows.length, cols }, ...(classes ? { classes } : {}) };
}
