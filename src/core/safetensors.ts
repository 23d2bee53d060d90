import { bfloat16ToFloat, halfToFloat } from './float-bits.js';

/**
 * The one safetensors codec (u64 little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
 * raw little-endian data), shared by training checkpoints and precomputed text features. Hand-written: the format is
 * a page long and the npm packages for it are HF-hub clients. Parsing reports what is wrong as data, so each caller
 * words the one-line error for its file (a checkpoint says how to resume; a feature file says which tensor to pass).
 */

/** One tensor's header entry, with its data range as absolute byte offsets into the file. */
export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  /** `data_offsets` as the header gives them (relative to the data section). */
  offsets: [number, number];
  begin: number;
  end: number;
}

export interface SafetensorsFile {
  metadata: Record<string, string> | undefined;
  entries: Map<string, SafetensorsEntry>;
  bytes: Uint8Array;
}

/** Why bytes are not a safetensors file (with the header length read, when there was one). */
export interface SafetensorsProblem {
  problem: 'too-short' | 'header-length' | 'header-json';
  headerLength?: number;
}

/** Parses the header; the data stay in `bytes` until read. */
export function parseSafetensors(bytes: Uint8Array): SafetensorsFile | SafetensorsProblem {
  if (bytes.length < 8) return { problem: 'too-short' };
  const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  if (headerLen > bytes.length - 8) return { problem: 'header-length', headerLength: headerLen };
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  } catch {
    return { problem: 'header-json', headerLength: headerLen };
  }
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = v as { dtype: string; shape: number[]; data_offsets: [number, number] };
    entries.set(name, {
      dtype: e.dtype,
      shape: e.shape,
      offsets: e.data_offsets,
      begin: 8 + headerLen + e.data_offsets[0],
      end: 8 + headerLen + e.data_offsets[1],
    });
  }
  return { metadata: header.__metadata__ as Record<string, string> | undefined, entries, bytes };
}

const readers: Record<string, [number, (v: DataView, o: number) => number]> = {
  F32: [4, (v, o) => v.getFloat32(o, true)],
  F64: [8, (v, o) => v.getFloat64(o, true)],
  F16: [2, (v, o) => halfToFloat(v.getUint16(o, true))],
  BF16: [2, (v, o) => bfloat16ToFloat(v.getUint16(o, true))],
};

/** The float dtypes `readFloats` converts. */
export const floatDtypes = Object.keys(readers);

/**
 * A tensor's values as float32 (a copy), or why not: a dtype outside `floatDtypes`, or a data range that does not
 * match the shape or runs past the end of the file (truncated).
 */
export function readFloats(f: SafetensorsFile, e: SafetensorsEntry): Float32Array | { problem: 'dtype' | 'size' } {
  const rd = readers[e.dtype];
  if (!rd) return { problem: 'dtype' };
  const n = e.shape.reduce((a, b) => a * b, 1);
  if (e.end - e.begin !== n * rd[0] || e.end > f.bytes.length) return { problem: 'size' };
  const out = new Float32Array(n);
  if (e.dtype === 'F32') {
    // Bulk copy: the file's offset need not be 4-byte aligned, so go through bytes.
    new Uint8Array(out.buffer).set(f.bytes.subarray(e.begin, e.end));
    return out;
  }
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = rd[1](view, e.begin + i * rd[0]);
  return out;
}

/** Encodes float32 tensors (header padded with spaces to 8 bytes, as the reference writer does, so data align). */
export function encodeSafetensors(
  tensors: Iterable<[string, { dims: readonly number[]; data: Float32Array }]>,
  metadata?: Record<string, string>,
): Uint8Array {
  const list = [...tensors];
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, t] of list) {
    header[name] = { dtype: 'F32', shape: [...t.dims], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const raw = new TextEncoder().encode(JSON.stringify(header));
  const headLen = Math.ceil(raw.length / 8) * 8;
  const out = new Uint8Array(8 + headLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headLen), true);
  out.fill(0x20, 8, 8 + headLen).set(raw, 8);
  let at = 8 + headLen;
  // Float32Array bytes are little-endian on every platform Node runs on (x64, arm64).
  for (const [, t] of list) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
