import { readFileSync } from 'node:fs';
import { TgrError, check } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import type { Matrix } from '../matrix.js';
import { halfToFloat } from '../../core/float-bits.js';

// NumPy .npy, version 1.0/2.0/3.0: magic, header length, a Python-dict header padded to 64 bytes, raw data.
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Reads a 1-D or 2-D float .npy (<f4, <f8, <f2; C or Fortran order) as a float32 matrix (1-D → one row). */
export function readNpy(path: string, bytes: Uint8Array = readFileSync(path)): Matrix {
  const bad = (what: string) =>
    new TgrError(
      'bad_file',
      `${path}: ${what}; expected a NumPy .npy of float32/float64 written by numpy.save or tgr embed`,
    );
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad('not a .npy file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const [lenBytes, headerLen] = major === 1 ? [2, view.getUint16(8, true)] : [4, view.getUint32(8, true)];
  const start = 8 + lenBytes;
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined) throw bad(`unreadable header ${JSON.stringify(header.trim())}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.length < 1 || shape.length > 2) throw bad(`shape (${shapeText}) is not 1-D or 2-D`);
  const [rows, cols] = shape.length === 1 ? [1, shape[0]!] : [shape[0]!, shape[1]!];
  const dtypes: Record<string, [number, (o: number) => number]> = {
    '<f4': [4, (o) => view.getFloat32(o, true)],
    '<f8': [8, (o) => view.getFloat64(o, true)],
    '<f2': [2, (o) => halfToFloat(view.getUint16(o, true))],
    '>f4': [4, (o) => view.getFloat32(o, false)],
    '>f8': [8, (o) => view.getFloat64(o, false)],
  };
  const dt = dtypes[descr];
  if (!dt) throw bad(`dtype '${descr}' is not a float type (supported: ${Object.keys(dtypes).join(', ')})`);
  const dataStart = start + headerLen;
  check(
    bytes.length - dataStart >= rows * cols * dt[0],
    'bad_file',
    () => `${path}: truncated: header says shape (${shapeText}) but only ${bytes.length - dataStart} data bytes follow`,
  );
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const src = fortran ? c * rows + r : r * cols + c;
      data[r * cols + c] = dt[1](dataStart + src * dt[0]);
    }
  }
  return { data, rows, cols };
}

/** Encodes a float32 matrix as .npy v1.0 bytes (<f4, C order, shape (rows, cols)). */
export function encodeNpy(m: Matrix): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  // numpy pads so that magic + lengths + header (ending in '\n') is a multiple of 64 bytes.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + m.rows * m.cols * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, total);
  for (let i = 0; i < m.rows * m.cols; i++) view.setFloat32(i * 4, m.data[i]!, true);
  return out;
}

/** Writes a float32 matrix to a .npy file atomically. */
export function writeNpy(path: string, m: Matrix): void {
  writeFileAtomic(path, encodeNpy(m));
}
