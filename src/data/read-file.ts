/** Reading dataset files: whole-file reads with transparent gunzip, and class-name lists. */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { TgrError } from '../core/errors.js';

/** Reads a file, gunzipping it when it starts with the gzip magic (whatever its name says). */
export function readDataFile(path: string): Uint8Array {
  if (!existsSync(path)) throw new TgrError('bad_file', `${path}: file not found`, { path });
  const raw = readFileSync(path);
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return plain(raw);
  try {
    // node:zlib is native and measured faster than fflate here (docs/ARCHITECTURE.md, Data).
    return plain(gunzipSync(raw));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new TgrError('bad_file', `${path}: gzip data is corrupt or truncated (${why}); re-download the file`, {
      path,
    });
  }
}

/** A plain Uint8Array view of a Buffer, so callers see exactly the type they declare. */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Reads one name per non-empty line (CIFAR's batches.meta.txt, STL-10's class_names.txt). */
export function readNameList(path: string, expected: number): string[] {
  const names = new TextDecoder()
    .decode(readDataFile(path))
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length !== expected) {
    throw new TgrError('bad_file', `${path}: expected ${expected} class names, one per line; found ${names.length}`, {
      path,
    });
  }
  return names;
}

/** Returns the first of `names` that exists in `dir` (raw or .gz variants of the same file). */
export function firstExisting(dir: string, names: readonly string[]): string | undefined {
  return names.map((n) => `${dir}/${n}`).find((p) => existsSync(p));
}
