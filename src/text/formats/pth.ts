import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { TgrError } from '../../core/errors.js';
import type { Matrix } from '../matrix.js';
import { bfloat16ToFloat, halfToFloat } from '../../core/float-bits.js';
import { parsePickle, type PickleCall, type PickleValue } from './pickle.js';

// torch.save (≥1.6) writes a zip: <prefix>/data.pkl (the object, storages as persistent ids),
// <prefix>/data/<key> (raw little-endian storage bytes), <prefix>/version, sometimes <prefix>/byteorder.
const storageTypes: Record<string, [number, (v: DataView, o: number) => number]> = {
  FloatStorage: [4, (v, o) => v.getFloat32(o, true)],
  DoubleStorage: [8, (v, o) => v.getFloat64(o, true)],
  HalfStorage: [2, (v, o) => halfToFloat(v.getUint16(o, true))],
  BFloat16Storage: [2, (v, o) => bfloat16ToFloat(v.getUint16(o, true))],
};

interface TensorRef {
  storageType: string;
  key: string;
  offset: number;
  size: number[];
  stride: number[];
}

/** Reads one float tensor (1-D or 2-D) saved with torch.save — alone, or the only tensor of a dict — as a matrix. */
export function readPth(path: string, tensor?: string, bytes: Uint8Array = readFileSync(path)): Matrix {
  const bad = (what: string) => new TgrError('bad_file', `${path}: ${what}`);
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw bad(
      'not a zip-format PyTorch file (legacy torch<1.6 format?); re-save it with torch.save(tensor, path) in torch ≥ 1.6',
    );
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw bad(`unreadable zip (${(e as Error).message})`);
  }
  const pkl = Object.keys(files).find((n) => n.endsWith('/data.pkl') || n === 'data.pkl');
  if (!pkl) throw bad('zip has no data.pkl; not a torch.save file');
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const order = files[`${prefix}byteorder`];
  if (order && new TextDecoder().decode(order).trim() !== 'little') throw bad('big-endian storages are not supported');
  let root: PickleValue;
  try {
    root = parsePickle(files[pkl]!);
  } catch (e) {
    throw bad(`data.pkl: ${(e as Error).message}`);
  }
  const found = new Map<string, TensorRef>();
  collectTensors(root, '', found);
  const names = [...found.keys()];
  const pick = tensor ?? (names.length === 1 ? names[0] : undefined);
  const ref = pick === undefined ? undefined : found.get(pick);
  if (!ref) {
    throw bad(
      `${tensor ? `no tensor '${tensor}'` : `${names.length} tensors`}; ${names.length ? `pass the tensor name (one of: ${names.join(', ')})` : 'expected one saved tensor'}`,
    );
  }
  const st = storageTypes[ref.storageType];
  if (!st)
    throw bad(
      `tensor storage ${ref.storageType} is not a float type (supported: ${Object.keys(storageTypes).join(', ')})`,
    );
  const raw = files[`${prefix}data/${ref.key}`];
  if (!raw) throw bad(`storage data/${ref.key} missing from the zip`);
  if (ref.size.length < 1 || ref.size.length > 2) throw bad(`tensor has shape [${ref.size}]; expected [C, E]`);
  const [rows, cols] = ref.size.length === 1 ? [1, ref.size[0]!] : [ref.size[0]!, ref.size[1]!];
  const [rs, cs] = ref.size.length === 1 ? [0, ref.stride[0]!] : [ref.stride[0]!, ref.stride[1]!];
  const last = ref.offset + (rows - 1) * rs + (cols - 1) * cs;
  if ((last + 1) * st[0] > raw.length)
    throw bad(`storage data/${ref.key} is ${raw.length} bytes, too short for shape [${ref.size}]`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = st[1](view, (ref.offset + r * rs + c * cs) * st[0]);
  }
  return { data, rows, cols };
}

/** Walks the unpickled object for `_rebuild_tensor_v2` calls, naming each by its dict key path. */
function collectTensors(v: PickleValue, name: string, out: Map<string, TensorRef>): void {
  if (v instanceof Map) {
    for (const [k, x] of v) collectTensors(x, name ? `${name}.${String(k)}` : String(k), out);
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => collectTensors(x, name ? `${name}.${i}` : String(i), out));
  } else if (v && typeof v === 'object' && v.kind === 'call' && v.fn && typeof v.fn === 'object' && 'name' in v.fn) {
    if (v.fn.name === 'torch._utils._rebuild_tensor_v2') out.set(name || 'tensor', tensorRef(v));
    else if (v.fn.name === 'torch._utils._rebuild_parameter') collectTensors(v.args[0] ?? null, name, out);
  }
}

function tensorRef(call: PickleCall): TensorRef {
  const [storage, offset, size, stride] = call.args;
  const pid =
    storage && typeof storage === 'object' && 'kind' in storage && storage.kind === 'persid' ? storage.id : null;
  // pid = ('storage', <global torch.FloatStorage>, key, location, numel)
  if (!Array.isArray(pid) || pid.length < 3) throw new TgrError('bad_file', 'torch tensor without a storage reference');
  const type = pid[1] as { name?: string };
  return {
    storageType: (type?.name ?? '').split('.').pop() ?? '',
    key: String(pid[2]),
    offset: Number(offset),
    size: (size as number[]).map(Number),
    stride: (stride as number[]).map(Number),
  };
}
