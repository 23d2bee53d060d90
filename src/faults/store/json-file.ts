import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { TgrError } from '../../core/errors.js';

/**
 * JSON files of a campaign (golden.json, plan.json, summary.json): indented for people, but with number arrays kept
 * on one line — per-image arrays would otherwise take a line per number.
 */
export function writeCompactJson(path: string, value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(
    /\[\s+([-0-9.eE+,\s]*?)\s+\]/g,
    (_, inner: string) => `[${inner.replace(/\s+/g, '')}]`,
  );
  writeFileAtomic(path, text + '\n');
}

/** Reads a JSON file; a missing or unparsable file is a one-line error naming it and saying what makes it. */
export function readJsonFile(path: string, makeWith: string): unknown {
  if (!existsSync(path)) throw new TgrError('bad_file', `${path}: no such file — create it with ${makeWith}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TgrError('bad_file', `${path}: not valid JSON (${(e as Error).message}) — re-create it with ${makeWith}`);
  }
}
