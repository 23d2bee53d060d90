import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TgrError } from '../../../src/core/errors.js';
import type { InjectionRecord } from '../../../src/faults/store/records.js';
import { forEachLine, forEachRecord, parseRecord, readRecords, recordLine } from '../../../src/faults/store/store.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-store-'));
const record: InjectionRecord = {
  id: 4,
  layer: 'conv1',
  image: 2,
  index: 17,
  bit: 30,
  original: 0.5,
  faulty: 2,
  goldenTop1: 3,
  faultyTop1: 3,
  goldenLoss: 0.125,
  faultyLoss: 0.25,
  nonFinite: false,
};
const badFile = (message: string) => (e: unknown) =>
  e instanceof TgrError && e.code === 'bad_file' && e.message === message;

test('a record is one line, keys in a fixed order; optional keys appear only when set', () => {
  assert.equal(
    recordLine(record),
    '{"id":4,"layer":"conv1","image":2,"index":17,"bit":30,"original":0.5,"faulty":2,"goldenTop1":3,"faultyTop1":3,"goldenLoss":0.125,"faultyLoss":0.25,"nonFinite":false}\n',
  );
  const { id, layer, ...rest } = record;
  const shuffled = { ...rest, masked: true, detected: true, bits: [1, 30], layer, id } as InjectionRecord;
  assert.equal(
    recordLine(shuffled),
    '{"id":4,"layer":"conv1","image":2,"index":17,"bit":30,"bits":[1,30],"original":0.5,"faulty":2,"goldenTop1":3,"faultyTop1":3,"goldenLoss":0.125,"faultyLoss":0.25,"nonFinite":false,"detected":true,"masked":true}\n',
  );
  assert.equal(recordLine({ ...record, detected: false, masked: false }), recordLine(record));
});

test('parseRecord round-trips recordLine, finite and non-finite faulty values alike', () => {
  assert.deepEqual(parseRecord(recordLine(record), 'x'), record);
  const inf = { ...record, faulty: -Infinity, faultyLoss: null, nonFinite: true };
  assert.deepEqual(parseRecord(recordLine(inf), 'x'), { ...inf, faultyBits: 0xff800000 });
  const old = parseRecord('{"id":1,"layer":"a","faulty":null}', 'x'); // a null without its pattern
  assert.ok(Number.isNaN(old.faulty));
});

test('a line that is not a record is a bad_file error naming where it is and what to do', () => {
  assert.throws(
    () => parseRecord('{"id":1,', 'faults.jsonl:3'),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'bad_file' &&
      /^faults\.jsonl:3: not a JSON record \(.+\) — delete the file and re-run the campaign$/.test(e.message),
  );
  for (const line of ['{"layer":"a"}', '{"id":1.5,"layer":"a"}', '{"id":1,"layer":2}', 'null', '7']) {
    assert.throws(
      () => parseRecord(line, 'f:1'),
      badFile('f:1: not an injection record (no id/layer) — delete the file and re-run the campaign'),
    );
  }
});

test('forEachLine gives each newline-terminated line with the offset past it, across 1 MiB reads', () => {
  const long = 'x'.repeat((1 << 20) - 3); // the second line straddles the first read
  const path = join(dir, 'lines.txt');
  writeFileSync(path, `ab\n${long}\nüñ\nno newline`);
  const seen: [number, number][] = [];
  forEachLine(path, (line, end) => void seen.push([line.length, end]));
  assert.deepEqual(seen, [
    [2, 3],
    [long.length, 3 + long.length + 1],
    [2, 3 + long.length + 1 + Buffer.byteLength('üñ\n')],
  ]);
  const first: string[] = [];
  forEachLine(path, (line) => {
    first.push(line);
    return false; // stops after the first line
  });
  assert.deepEqual(first, ['ab']);
});

test('forEachRecord and readRecords read a file in order; a missing file or a bad line says which', () => {
  const path = join(dir, 'faults.jsonl');
  const second = { ...record, id: 5, faulty: NaN, faultyLoss: null, nonFinite: true };
  writeFileSync(path, recordLine(record) + recordLine(second));
  const back = readRecords(path);
  assert.deepEqual(
    back.map((r) => r.id),
    [4, 5],
  );
  assert.equal(back[1]!.faultyBits, 0x7fc00000);
  const missing = join(dir, 'none.jsonl');
  assert.throws(
    () => readRecords(missing),
    badFile(`${missing}: no such file — run 'tgr inject' (or 'tgr merge' for shards) first`),
  );
  writeFileSync(path, recordLine(record) + '{"id":5}\n');
  assert.throws(
    () => forEachRecord(path, () => {}),
    badFile(`${path}:2: not an injection record (no id/layer) — delete the file and re-run the campaign`),
  );
});
