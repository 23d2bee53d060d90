import { readFileSync } from 'node:fs';
import { TgrError } from '../../core/errors.js';
import { floatDtypes, parseSafetensors, readFloats } from '../../core/safetensors.js';
import type { Matrix } from '../matrix.js';

/** Reads one 1-D/2-D float tensor from a .safetensors file (`tensor` names it when the file holds several). */
export function readSafetensors(path: string, tensor?: string, bytes: Uint8Array = readFileSync(path)): Matrix {
  const bad = (what: string) => new TgrError('bad_file', `${path}: ${what}`);
  const f = parseSafetensors(bytes);
  if ('problem' in f) {
    throw bad(
      {
        'too-short': 'too short for a safetensors file',
        'header-length': `header length ${f.headerLength} exceeds the file; not a safetensors file`,
        'header-json': 'header is not JSON; not a safetensors file',
      }[f.problem],
    );
  }
  const names = [...f.entries.keys()];
  const name = tensor ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined || !f.entries.has(name)) {
    throw bad(
      `${tensor ? `no tensor '${tensor}'` : `${names.length} tensors`}; pass the tensor name (one of: ${names.join(', ')})`,
    );
  }
  const e = f.entries.get(name)!;
  if (!floatDtypes.includes(e.dtype))
    throw bad(`tensor '${name}' has dtype ${e.dtype}; expected one of ${floatDtypes.join(', ')}`);
  if (e.shape.length < 1 || e.shape.length > 2) throw bad(`tensor '${name}' has shape [${e.shape}]; expected [C, E]`);
  const data = readFloats(f, e);
  if ('problem' in data)
    throw bad(
      `tensor '${name}' data offsets [${e.offsets}] do not fit shape [${e.shape}] ${e.dtype}; the file is truncated or corrupt`,
    );
  const [rows, cols] = e.shape.length === 1 ? [1, e.shape[0]!] : [e.shape[0]!, e.shape[1]!];
  return { data, rows, cols };
}
