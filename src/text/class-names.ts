import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { TgrError } from '../core/errors.js';

/**
 * Reads class names from a file: a JSON array, a JSON object with a `classes` array (a `tgr embed` report), a CuPL
 * JSON object (its keys), or plain text with one name per line. Row-name files may repeat a name (ImageNet's list has
 * two 'crane's and two 'missile's); a dataset's `--classes` may not, since descriptions are keyed by name.
 */
export function readClassNamesFile(path: string, unique = true): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new TgrError(
      'bad_file',
      `${path}: cannot read the class-names file; pass a JSON array or a text file with one name per line`,
    );
  }
  if (extname(path).toLowerCase() !== '.json')
    return checkNames(
      text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
      path,
      unique,
    );
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new TgrError('bad_file', `${path}: not valid JSON (${(e as Error).message})`);
  }
  const names = Array.isArray(v)
    ? v
    : v && typeof v === 'object'
      ? ((v as { classes?: unknown }).classes ?? Object.keys(v))
      : null;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
    throw new TgrError(
      'bad_file',
      `${path}: expected a JSON array of class names, or an object with a "classes" array`,
    );
  }
  return checkNames(names as string[], path, unique);
}

/** Class names from a `--classes` argument: a file (see readClassNamesFile) or a comma-separated list. */
export function parseClassNames(arg: string): string[] {
  if (existsSync(arg)) return readClassNamesFile(arg);
  return checkNames(
    arg
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    '--classes',
  );
}

function checkNames(names: string[], origin: string, unique = true): string[] {
  if (names.length === 0)
    throw new TgrError('bad_argument', `${origin}: no class names found; give a file or a list like 'cat,dog'`);
  if (!unique) return names;
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n))
      throw new TgrError('bad_argument', `${origin}: class name '${n}' appears twice; class names must be unique`);
    seen.add(n);
  }
  return names;
}
