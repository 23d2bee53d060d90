import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAtomicFile, writeFileAtomic, writeJsonAtomic } from '../../src/core/atomic-write.js';
import { TgrError } from '../../src/core/errors.js';

function root(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('writeJsonAtomic writes indented JSON with a newline, creating folders, and leaves no temp file', (t) => {
  const dir = root(t);
  const path = join(dir, 'a', 'b', 'x.json');
  writeJsonAtomic(path, { a: [1, 2] });
  assert.equal(readFileSync(path, 'utf8'), '{\n  "a": [\n    1,\n    2\n  ]\n}\n');
  assert.deepEqual(readdirSync(join(dir, 'a', 'b')), ['x.json']);
});

test('a path that is a folder: one-line TgrError naming it, and the temp file is removed', (t) => {
  const dir = root(t);
  mkdirSync(join(dir, 'out'));
  assert.throws(
    () => writeFileAtomic(join(dir, 'out'), 'x'),
    (e) =>
      e instanceof TgrError &&
      e.code === 'bad_file' &&
      e.message === `cannot write ${join(dir, 'out')}: it is a folder; pass a file path`,
  );
  assert.deepEqual(readdirSync(dir), ['out']);
});

test('a path under a file: one-line TgrError, nothing created', (t) => {
  const dir = root(t);
  writeFileSync(join(dir, 'file.txt'), 'keep');
  for (const path of [join(dir, 'file.txt', 'x.json'), join(dir, 'file.txt', 'sub', 'x.json')])
    assert.throws(
      () => writeJsonAtomic(path, {}),
      (e) =>
        e instanceof TgrError &&
        e.message === `cannot write ${path}: a part of the path is a file, not a folder; pass a path in a folder`,
    );
  assert.deepEqual(readdirSync(dir), ['file.txt']);
  assert.equal(readFileSync(join(dir, 'file.txt'), 'utf8'), 'keep');
});

test('openAtomicFile: pieces written at any offsets appear at the path only on commit, with no temp file left', (t) => {
  const dir = root(t);
  const path = join(dir, 'sub', 'acts.bin');
  const f = openAtomicFile(path);
  f.writeAt(Uint8Array.from([5, 6]), 4);
  f.writeAt(Uint8Array.from([1, 2, 3, 4]), 0);
  f.writeAt(Uint8Array.from([9]), 7);
  assert.deepEqual(readdirSync(join(dir, 'sub')), [`acts.bin.tmp-${process.pid}`]);
  f.commit();
  assert.deepEqual([...readFileSync(path)], [1, 2, 3, 4, 5, 6, 0, 9]);
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['acts.bin']);
  assert.throws(() => f.writeAt(Uint8Array.from([1]), 0), /acts\.bin: written after it was committed or aborted/);
  f.abort(); // a no-op once committed
  assert.deepEqual([...readFileSync(path)], [1, 2, 3, 4, 5, 6, 0, 9]);
});

test('openAtomicFile: abort removes the temp file and leaves an existing file as it was', (t) => {
  const dir = root(t);
  const path = join(dir, 'acts.bin');
  writeFileSync(path, 'old');
  const f = openAtomicFile(path);
  f.writeAt(Uint8Array.from([1, 2, 3]), 0);
  f.abort();
  assert.deepEqual(readdirSync(dir), ['acts.bin']);
  assert.equal(readFileSync(path, 'utf8'), 'old');
});

test('openAtomicFile: a path that is a folder fails at commit with one line, and the temp file is removed', (t) => {
  const dir = root(t);
  mkdirSync(join(dir, 'out'));
  const f = openAtomicFile(join(dir, 'out'));
  f.writeAt(Uint8Array.from([1]), 0);
  assert.throws(
    () => f.commit(),
    (e) => e instanceof TgrError && e.message === `cannot write ${join(dir, 'out')}: it is a folder; pass a file path`,
  );
  assert.deepEqual(readdirSync(dir), ['out']);
});

test('openAtomicFile: a path under a file fails at once with one line, nothing created', (t) => {
  const dir = root(t);
  writeFileSync(join(dir, 'file.txt'), 'keep');
  const path = join(dir, 'file.txt', 'acts.bin');
  assert.throws(
    () => openAtomicFile(path),
    (e) =>
      e instanceof TgrError &&
      e.message === `cannot write ${path}: a part of the path is a file, not a folder; pass a path in a folder`,
  );
  assert.deepEqual(readdirSync(dir), ['file.txt']);
});
