import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The CLI takes every set of words from its registry (`oneOf(Object.keys(datasets))`, `oneOf(targets)`), so a word
 * added to a table reaches the flag, its help and its check at once. This test finds word lists written out in
 * src/cli instead: a literal array given to oneOf/choices, or help that spells words out as `a | b`.
 */

const root = fileURLToPath(new URL('../../src/cli/', import.meta.url));

/** Lists whose table is not reachable from src/cli yet, with where it lives. */
const waiting = new Map<string, string>([]);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Literal word lists in one source text. */
function wordLists(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/(?:oneOf|choices)\(\s*\[[^\]]*\]\s*\)/g)) found.push(m[0].replace(/\s+/g, ' '));
  for (const m of source.matchAll(/'[a-z0-9-]+(?: \| [a-z0-9-]+)+'/g)) found.push(m[0]);
  return found;
}

test('wordLists finds literal choice arrays and spelled-out help, not lists built from a table', () => {
  assert.deepEqual(
    wordLists("oneOf(['a', 'b']) .choices([ 'x' ]) 'info | fetch' oneOf(Object.keys(t)) `${k.join(' | ')}` 'one word'"),
    ["oneOf(['a', 'b'])", "choices([ 'x' ])", "'info | fetch'"],
  );
});

test('no word list in src/cli duplicates a registry (only those whose table is not exported yet)', () => {
  const found = files(root).flatMap((f) => wordLists(readFileSync(f, 'utf8')).map((w) => `${relative(root, f)}: ${w}`));
  assert.deepEqual(
    found.filter((w) => !waiting.has(w)),
    [],
  );
  // A list fixed at last leaves the waiting table too.
  assert.deepEqual(
    [...waiting.keys()].filter((w) => !found.includes(w)),
    [],
  );
});
