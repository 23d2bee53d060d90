import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TgrError } from '../../../src/core/errors.js';
import {
  fingerprintLine,
  planFingerprint,
  scanRecords,
  unitLine,
  unitsPathFor,
} from '../../../src/faults/store/record-units.js';
import { planFolder, smallPlan, unitLines } from '../records-fixture.js';

const plan = smallPlan();
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

test('the fingerprint names the settings that decide the records’ bytes, and hashes the sites', () => {
  const fp = planFingerprint(plan);
  const { sites, ...rest } = fp;
  assert.deepEqual(rest, {
    version: 1,
    model: 'ab'.repeat(32),
    format: 'fp32',
    errorModel: 'bit-flip',
    target: 'neurons',
    seed: 1,
    rangeDetector: false,
    stratify: 'none',
    guard: 'none',
    perLayer: 6,
    batchSize: 4,
    pool: 4,
    layers: ['a', 'b'],
    shard: null,
  });
  assert.match(sites, /^[0-9a-f]{64}$/);
  assert.equal(fingerprintLine(fp), JSON.stringify(fp) + '\n');
  assert.equal(planFingerprint(plan, { index: 0, count: 1 }).shard, null);
  assert.equal(planFingerprint(plan, { index: 1, count: 3 }).shard, '1/3');
});

test('the sites hash changes with a site, a unit boundary, a layer bound or the guard bounds, and nothing else', () => {
  const base = planFingerprint(plan).sites;
  const changed = (over: Parameters<typeof smallPlan>[0]) => planFingerprint(smallPlan(over)).sites !== base;
  assert.equal(planFingerprint(smallPlan()).sites, base);
  const sites = structuredClone(plan.sites);
  sites.bit[3] = 31;
  assert.ok(changed({ sites }));
  assert.ok(changed({ units: [0, 6].map((start) => ({ start, end: start + 6, group: 0, images: [0, 1] })) }));
  assert.ok(changed({ layers: plan.layers.map((l) => ({ ...l, bound: 3 })) }));
  assert.ok(changed({ guardBounds: [1, 2] } as never));
  assert.ok(!changed({ seed: 7 })); // a setting of its own field, not of the sites hash
});

test('a unit’s sidecar line holds its range, byte length and sha256; the sidecar sits beside the file', () => {
  const lines = unitLines(plan, 0, 4);
  assert.equal(
    unitLine(0, 0, 4, lines),
    `{"unit":0,"start":0,"end":4,"bytes":${Buffer.byteLength(lines)},"sha256":"${sha(lines)}"}\n`,
  );
  assert.equal(unitLine(2, 8, 12, 'é\n'), `{"unit":2,"start":8,"end":12,"bytes":3,"sha256":"${sha('é\n')}"}\n`);
  assert.equal(unitsPathFor('/r/faults.jsonl'), '/r/faults.jsonl.units');
});

/** A campaign folder with faults.jsonl of `faults` and, when given, its sidecar. */
function folder(label: string, faults: string, units?: string): string {
  const file = join(planFolder(label, plan), 'faults.jsonl');
  writeFileSync(file, faults);
  if (units !== undefined) writeFileSync(unitsPathFor(file), units);
  return file;
}

const header = fingerprintLine(planFingerprint(plan));
const units = plan.units.map((u, i) => unitLine(i, u.start, u.end, unitLines(plan, u.start, u.end)));

test('a scan counts verified units, records per layer and bytes; a torn record is tail', () => {
  const two = unitLines(plan, 0, 8);
  const torn = unitLines(plan, 8, 9).slice(0, 10);
  const file = folder('scan', two + torn, header + units[0]! + units[1]!);
  assert.deepEqual(scanRecords(file, plan), {
    units: 2,
    records: 8,
    bytes: Buffer.byteLength(two),
    unitsBytes: Buffer.byteLength(header + units[0]! + units[1]!),
    tail: 10,
    sidecar: true,
    listed: 2,
    perLayer: [6, 2],
    entries: [units[0]!, units[1]!],
  });
});

test('without a sidecar the records are checked by id and the unit lines rebuilt as a fresh run writes them', () => {
  const file = folder('legacy', unitLines(plan, 0, 12));
  const scan = scanRecords(file, plan);
  assert.deepEqual([scan.units, scan.records, scan.sidecar, scan.unitsBytes, scan.tail], [3, 12, false, 0, 0]);
  assert.deepEqual(scan.entries, units);
});

test('a shard’s scan covers its own units only', () => {
  const shard = { index: 1, count: 2 };
  const shardHeader = fingerprintLine(planFingerprint(plan, shard));
  const empty = scanRecords(folder('shard-empty', '', shardHeader), plan, shard); // nothing verified yet
  assert.deepEqual(
    [empty.units, empty.records, empty.tail, empty.unitsBytes],
    [0, 0, 0, Buffer.byteLength(shardHeader)],
  );
  // Shard 1 of 2 holds sites 6–11: the second half of unit 1 and unit 2.
  const file = folder('shard', unitLines(plan, 6, 12));
  const scan = scanRecords(file, plan, shard);
  assert.deepEqual([scan.units, scan.records, scan.perLayer], [2, 6, [0, 6]]);
});

test('records beyond the last unit and a foreign sidecar header are bad_file errors with what to do', () => {
  const all = unitLines(plan, 0, 12);
  const extra = folder('extra', all + unitLines(plan, 11, 12));
  assert.throws(
    () => scanRecords(extra, plan),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'bad_file' &&
      e.message ===
        `${extra}: line 13 follows the last record this file should hold (id 11) — redo it from unit 3: run 'truncate -s ${Buffer.byteLength(all)} ${extra}', then the same 'tgr inject' again`,
  );
  const foreignHeader = fingerprintLine({ ...planFingerprint(plan), model: 'cd', sites: 'x', seed: 9 });
  const foreign = folder('foreign', all, foreignHeader);
  assert.throws(
    () => scanRecords(foreign, plan),
    (e: unknown) =>
      e instanceof TgrError &&
      e.message ===
        `${foreign} holds records made from another plan or settings (model, seed 9 ≠ 1, sites; file ≠ plan) — move it and ${foreign}.units away, or run it under its own --name`,
  );
});
