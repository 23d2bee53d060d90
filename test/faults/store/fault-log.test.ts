import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FaultLog } from '../../../src/faults/store/fault-log.js';
import { TgrError } from '../../../src/core/errors.js';
import type { CampaignPlan } from '../../../src/faults/plan/plan.js';
import { planFolder, smallPlan, unitLines } from '../records-fixture.js';

/** Opens the log of `plan` in `dir`, writes units until `upto`, closes; returns what the open said. */
function write(dir: string, plan: CampaignPlan, upto = plan.units.length): { said: string[]; done: number } {
  const said: string[] = [];
  const log = FaultLog.open(join(dir, 'faults.jsonl'), plan, undefined, (l) => said.push(l));
  const done = log.doneUnits;
  for (let u = done; u < upto; u++) {
    const { start, end } = plan.units[u]!;
    log.appendUnit(u, start, end, unitLines(plan, start, end));
  }
  log.close();
  return { said, done };
}

const plan = smallPlan();
const reference = (() => {
  const dir = planFolder('ref');
  write(dir, plan);
  return {
    faults: readFileSync(join(dir, 'faults.jsonl'), 'utf8'),
    units: readFileSync(join(dir, 'faults.jsonl.units'), 'utf8'),
  };
})();
const lines = reference.faults.split('\n');
const unitBytes = (u: number) => Buffer.byteLength(unitLines(plan, plan.units[u]!.start, plan.units[u]!.end));

/** Asserts that a TgrError with exactly this message is thrown. */
const refuses = (fn: () => unknown, message: string) =>
  assert.throws(fn, (e: unknown) => e instanceof TgrError && e.message === message);

test('the sidecar holds the plan fingerprint, then one line per unit with its byte length and sha256', () => {
  const [head, ...units] = reference.units.trimEnd().split('\n');
  const fp = JSON.parse(head!);
  assert.equal(fp.model, 'ab'.repeat(32));
  assert.equal(fp.rangeDetector, false);
  assert.equal(fp.shard, null);
  assert.deepEqual(
    units.map((l) => JSON.parse(l)).map((e) => [e.unit, e.start, e.end, e.bytes]),
    [0, 1, 2].map((u) => [u, 4 * u, 4 * u + 4, unitBytes(u)]),
  );
  assert.match(JSON.parse(units[0]!).sha256, /^[0-9a-f]{64}$/);
});

test('a finished log reopens with every unit done and is left byte-identical', () => {
  const dir = planFolder('again');
  write(dir, plan);
  const r = write(dir, plan);
  assert.equal(r.done, 3);
  assert.deepEqual(r.said, []);
  assert.equal(readFileSync(join(dir, 'faults.jsonl'), 'utf8'), reference.faults);
  assert.equal(readFileSync(join(dir, 'faults.jsonl.units'), 'utf8'), reference.units);
});

test('a torn tail (a kill mid-unit) is cut, said in one line, and the resumed files equal an uninterrupted run', () => {
  const dir = planFolder('torn');
  write(dir, plan, 2);
  appendFileSync(join(dir, 'faults.jsonl'), unitLines(plan, 8, 10) + '{"id":10,"lay');
  const r = write(dir, plan);
  assert.equal(r.done, 2);
  const torn = Buffer.byteLength(unitLines(plan, 8, 10) + '{"id":10,"lay');
  assert.deepEqual(r.said, [
    `${join(dir, 'faults.jsonl')}: cut a torn tail of ${torn} bytes after 2 complete units (a killed run); resuming`,
  ]);
  assert.equal(readFileSync(join(dir, 'faults.jsonl'), 'utf8'), reference.faults);
  assert.equal(readFileSync(join(dir, 'faults.jsonl.units'), 'utf8'), reference.units);
});

test('a whole unit the sidecar does not vouch for yet (a kill between the two fsyncs) is redone', () => {
  const dir = planFolder('unvouched');
  write(dir, plan, 2);
  appendFileSync(join(dir, 'faults.jsonl'), unitLines(plan, 8, 12));
  const r = write(dir, plan);
  assert.equal(r.done, 2);
  assert.equal(readFileSync(join(dir, 'faults.jsonl.units'), 'utf8'), reference.units);
  assert.equal(readFileSync(join(dir, 'faults.jsonl'), 'utf8'), reference.faults);
});

test('a torn last sidecar line is cut and its unit redone', () => {
  const dir = planFolder('torn-sidecar');
  write(dir, plan);
  const units = join(dir, 'faults.jsonl.units');
  truncateSync(units, Buffer.byteLength(reference.units) - 20);
  assert.equal(write(dir, plan).done, 2);
  assert.equal(readFileSync(units, 'utf8'), reference.units);
  assert.equal(readFileSync(join(dir, 'faults.jsonl'), 'utf8'), reference.faults);
});

/** The message for damage in unit `u` of dir's faults.jsonl. */
const redo = (dir: string, what: string, u: number) => {
  const file = join(dir, 'faults.jsonl');
  let bytes = 0;
  for (let k = 0; k < u; k++) bytes += unitBytes(k);
  return `${file}: ${what} — redo it from unit ${u}: run 'truncate -s ${bytes} ${file}', then the same 'tgr inject' again`;
};

test('an edited but valid line is named by its unit; the command given redoes it, ending byte-identical', () => {
  const dir = planFolder('edited');
  write(dir, plan);
  const file = join(dir, 'faults.jsonl');
  writeFileSync(
    file,
    reference.faults.replace(
      '"faultyTop1":0,"goldenLoss":0.5,"faultyLoss":1.125',
      '"faultyTop1":1,"goldenLoss":0.5,"faultyLoss":1.125',
    ),
  );
  refuses(
    () => write(dir, plan),
    redo(
      dir,
      `unit 1 (ids 4–7, lines 5–8) does not match its sha256 in ${file}.units: a line was edited or corrupted`,
      1,
    ),
  );
  truncateSync(file, unitBytes(0)); // the command the message gives
  const r = write(dir, plan);
  assert.equal(r.done, 1);
  assert.deepEqual(r.said, [
    `${file} ends inside unit 1 of this run, which ${file}.units lists as complete; redoing from there`,
  ]);
  assert.equal(readFileSync(file, 'utf8'), reference.faults);
  assert.equal(readFileSync(`${file}.units`, 'utf8'), reference.units);
});

test('a deleted line is reported as deleted, with its id and unit', () => {
  const dir = planFolder('deleted');
  write(dir, plan);
  writeFileSync(join(dir, 'faults.jsonl'), lines.filter((_, i) => i !== 5).join('\n'));
  refuses(
    () => write(dir, plan),
    redo(dir, 'line 6 has id 6 where id 5 belongs: the line of id 5 was deleted (unit 1)', 1),
  );
  writeFileSync(join(dir, 'faults.jsonl'), lines.filter((_, i) => i !== 9 && i !== 10).join('\n'));
  refuses(
    () => write(dir, plan),
    redo(dir, 'line 10 has id 11 where id 9 belongs: the lines of ids 9–10 were deleted (unit 2)', 2),
  );
});

test('a corrupted middle line is named, not silently dropped', () => {
  const dir = planFolder('corrupt');
  write(dir, plan);
  writeFileSync(
    join(dir, 'faults.jsonl'),
    lines.map((l, i) => (i === 4 ? l.slice(0, 10) + '\u0000' + l.slice(11) : l)).join('\n'),
  );
  refuses(() => write(dir, plan), redo(dir, 'line 5 (in unit 1, ids 4–7) is not a JSON record: corrupted', 1));
});

test('a repeated line (two writers) is named', () => {
  const dir = planFolder('repeated');
  write(dir, plan);
  writeFileSync(join(dir, 'faults.jsonl'), [...lines.slice(0, 3), lines[2], ...lines.slice(3)].join('\n'));
  refuses(
    () => write(dir, plan),
    redo(dir, 'line 4 has id 2 where id 3 belongs: a repeated, moved or edited line (unit 0)', 0),
  );
});

test('records of another plan or settings are refused, naming what differs', () => {
  const dir = planFolder('foreign');
  write(dir, smallPlan({ rangeDetector: true }));
  const file = join(dir, 'faults.jsonl');
  refuses(
    () => write(dir, plan),
    `${file} holds records made from another plan or settings (rangeDetector true ≠ false; file ≠ plan) — move it and ${file}.units away, or run it under its own --name`,
  );
  write(planFolder('x'), plan);
  refuses(
    () => write(dir, smallPlan({ seed: 2, rangeDetector: true })),
    `${file} holds records made from another plan or settings (seed 1 ≠ 2; file ≠ plan) — move it and ${file}.units away, or run it under its own --name`,
  );
});

test('a file of an older tgr (no sidecar) is checked by id, and its sidecar rebuilt to what a fresh run writes', () => {
  const dir = planFolder('legacy');
  write(dir, plan);
  rmSync(join(dir, 'faults.jsonl.units'));
  const r = write(dir, plan);
  assert.equal(r.done, 3);
  assert.deepEqual(r.said, [
    `${join(dir, 'faults.jsonl')}: no ${join(dir, 'faults.jsonl.units')} (an older tgr wrote it); rebuilt from the records`,
  ]);
  assert.equal(readFileSync(join(dir, 'faults.jsonl.units'), 'utf8'), reference.units);
});
