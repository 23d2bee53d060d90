import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClassNames, readClassNamesFile } from '../../src/text/class-names.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-class-names-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('readClassNamesFile: a text file (trimmed, blank lines dropped), a JSON array, a report, a CuPL object', () => {
  assert.deepEqual(readClassNamesFile(file('a.txt', ' cat \r\n\ndog\n')), ['cat', 'dog']);
  assert.deepEqual(readClassNamesFile(file('b.json', '["cat", "dog"]')), ['cat', 'dog']);
  assert.deepEqual(readClassNamesFile(file('c.JSON', '{"classes": ["x", "y"], "dim": 3}')), ['x', 'y']);
  assert.deepEqual(readClassNamesFile(file('d.json', '{"cat": ["a cat."], "dog": []}')), ['cat', 'dog']);
});

test('readClassNamesFile: repeated names only where rows may repeat them (unique = false)', () => {
  const p = file('twice.txt', 'crane\nmissile\ncrane\n');
  assert.deepEqual(readClassNamesFile(p, false), ['crane', 'missile', 'crane']);
  assert.throws(() => readClassNamesFile(p), {
    name: 'TgrError',
    message: `${p}: class name 'crane' appears twice; class names must be unique`,
  });
});

test('readClassNamesFile: unreadable, broken, wrong-shaped and empty files are one line naming the file', () => {
  const missing = join(dir, 'none.txt');
  assert.throws(() => readClassNamesFile(missing), {
    message: `${missing}: cannot read the class-names file; pass a JSON array or a text file with one name per line`,
  });
  const broken = file('broken.json', '["cat",');
  assert.throws(
    () => readClassNamesFile(broken),
    (e: Error) => e.message.startsWith(`${broken}: not valid JSON (`),
  );
  const numbers = file('numbers.json', '[1, 2]');
  assert.throws(() => readClassNamesFile(numbers), {
    message: `${numbers}: expected a JSON array of class names, or an object with a "classes" array`,
  });
  const empty = file('empty.txt', '\n \n');
  assert.throws(() => readClassNamesFile(empty), {
    message: `${empty}: no class names found; give a file or a list like 'cat,dog'`,
  });
});

test('parseClassNames: a comma list (trimmed, empty items dropped) or an existing file', () => {
  assert.deepEqual(parseClassNames(' cat, dog ,,bird'), ['cat', 'dog', 'bird']);
  assert.deepEqual(parseClassNames(file('e.txt', 'ant\nbee\n')), ['ant', 'bee']);
  assert.throws(() => parseClassNames('cat,cat'), {
    message: "--classes: class name 'cat' appears twice; class names must be unique",
  });
  assert.throws(() => parseClassNames(' , '), {
    message: "--classes: no class names found; give a file or a list like 'cat,dog'",
  });
});
