import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { firstExisting, readDataFile, readNameList } from '../../src/data/read-file.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-read-file-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array | string) => {
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
};

test('readDataFile: plain bytes as they are, gzip by its magic whatever the name', () => {
  assert.deepEqual([...readDataFile(file('a.bin', Uint8Array.from([1, 2, 3])))], [1, 2, 3]);
  assert.deepEqual([...readDataFile(file('b.bin', gzipSync(Uint8Array.from([4, 5]))))], [4, 5]);
  assert.deepEqual([...readDataFile(file('one.bin', Uint8Array.from([0x1f])))], [0x1f]);
});

test('readDataFile: a missing file and corrupt gzip are one line naming the file', () => {
  const missing = join(dir, 'none.bin');
  assert.throws(() => readDataFile(missing), { code: 'bad_file', message: `${missing}: file not found` });
  const bad = file('bad.gz', Uint8Array.from([0x1f, 0x8b, 0, 0]));
  assert.throws(
    () => readDataFile(bad),
    (e: Error) =>
      /: gzip data is corrupt or truncated \(.*\); re-download the file$/.test(e.message) && e.message.startsWith(bad),
  );
});

test('readNameList: one name per non-empty line, the count checked', () => {
  const p = file('names.txt', 'airplane\r\n automobile \n\n');
  assert.deepEqual(readNameList(p, 2), ['airplane', 'automobile']);
  assert.throws(() => readNameList(p, 10), { message: `${p}: expected 10 class names, one per line; found 2` });
});

test('firstExisting: the first name present, in the order given', () => {
  file('x.gz', '');
  file('x', '');
  assert.equal(firstExisting(dir, ['y', 'x.gz', 'x']), `${dir}/x.gz`);
  assert.equal(firstExisting(dir, ['y']), undefined);
});
