import { readFileSync } from 'node:fs';
import { TgrError } from '../../core/errors.js';
import type { Matrix } from '../matrix.js';
import { bfloat16ToFloat, halfToFloat } from './float-bits.js';

// safetensors: u64 little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, raw data.
interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const readers: Record<string, [number, (v: DataView, o: number) => number]> = {
  F32: [4, (v, o) => v.getFloat32(o, true)],
  F64: [8, (v, o) => v.getFloat64(o, true)],
  F16: [2, (v, o) => halfToFloat(v.getUint16(o, true))],
  BF16: [2, (v, o) => bfloat16ToFloat(v.getUint16(o, true))],
};

/** Reads one 1-D/2-D float tensor from a .safetensors file (`tensor` names it when the file holds several). */
export function readSafetensors(path: string, tensor?: string, bytes: Uint8Array = readFileSync(path)): Matrix {
  const bad = (what: string) => new TgrError('bad_file', `${path}: ${what}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw bad('too short for a safetensors file');
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.length - 8) throw bad(`header length ${headerLen} exceeds the file; not a safetensors file`);
  let header: Record<string, Entry>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, Entry>;
  } catch {
    throw bad('header is not JSON; not a safetensors file');
  }
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = tensor ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined || !names.includes(name)) {
    throw bad(`${tensor ? `no tensor '${tensor}'` : `${names.length} tensors`}; pass the tensor name (one of: ${names.join(', ')})`);
  }
  const e = header[name]!;
  const rd = readers[e.dtype];
  if (!rd) throw bad(`tensor '${name}' has dtype ${e.dtype}; expected one of ${Object.keys(readers).join(', ')}`);
  if (e.shape.length < 1 || e.shape.length > 2) throw bad(`tensor '${name}' has shape [${e.shape}]; expected [C, E]`);
  const [rows, cols] = e.shape.length === 1 ? [1, e.shape[0]!] : [e.shape[0]!, e.shape[1]!];
  const base = 8 + headerLen + e.data_offsets[0];
  if (e.data_offsets[1] - e.data_offsets[0] !== rows * cols * rd[0] || 8 + headerLen + e.data_offsets[1] > bytes.length) {
    throw bad(`tensor '${name}' data offsets [${e.data_offsets}] do not fit shape [${e.shape}] ${e.dtype}; the file is truncated or corrupt`);
  }
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rd[1](view, base + i * rd[0]);
  return { data, rows, cols };
}

/** Encodes float32 matrices as safetensors bytes (header padded to 8 bytes, as the reference writer does). */
export function encodeSafetensors(tensors: Record<string, Matrix>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, m] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: [m.rows, m.cols], data_offsets: [offset, offset + m.data.length * 4] };
    offset += m.data.length * 4;
  }
  const raw = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(Math.ceil(raw.length / 8) * 8).fill(0x20);
  head.set(raw);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const m of Object.values(tensors)) {
    for (let i = 0; i < m.data.length; i++, at += 4) view.setFloat32(at, m.data[i]!, true);
  }
  return out;
}
