import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FaultLog } from '../../../src/faults/store/fault-log.js';
import { mergeShards } from '../../../src/faults/store/merge.js';
import { faultsFileName, shardUnits, type Shard } from '../../../src/faults/plan/shard.js';
import type { CampaignPlan } from '../../../src/faults/plan/plan.js';
import { TgrError } from '../../../src/core/errors.js';
import { planFolder, smallPlan, unitLines } from '../records-fixture.js';

const plan = smallPlan();

/** Writes `shard`'s records of `made` (default: the folder's plan) into dir, `units` of them (default all). */
function writeShard(dir: string, shard: Shard | undefined, made: CampaignPlan = plan, units = Infinity): void {
  const { first, units: mine } = shardUnits(made, shard);
  const log = FaultLog.open(join(dir, faultsFileName(shard)), made, shard);
  for (const [u, { start, end: e }] of mine.slice(0, units).entries()) {
    log.appendUnit(first + u, start, e, unitLines(made, start, e));
  }
  log.close();
}

const refuses = (fn: () => unknown, message: string | RegExp) =>
  assert.throws(
    fn,
    (e: unknown) =>
      e instanceof TgrError && (typeof message === 'string' ? e.message === message : message.test(e.message)),
  );

const single = (() => {
  const dir = planFolder('merge-ref');
  writeShard(dir, undefined);
  return { faults: readFileSync(join(dir, 'faults.jsonl')), units: readFileSync(join(dir, 'faults.jsonl.units')) };
})();

/** A folder with a finished single-process result (to show merge never spoils it) and shards 0..2 of 3. */
function shardedFolder(label: string): string {
  const dir = planFolder(label);
  writeShard(dir, undefined);
  for (const index of [0, 1, 2]) writeShard(dir, { index, count: 3 });
  return dir;
}

/** The folder's files other than the shards, plan and existing result (temp files, locks, leftovers). */
const leftovers = (dir: string) =>
  readdirSync(dir).filter((f) => !/^(plan\.json|faults(\.\d+-of-\d+)?\.jsonl(\.units)?)$/.test(f));

test('merged shards equal one process byte for byte, records and sidecar', () => {
  const dir = planFolder('merge');
  for (const index of [2, 0, 1]) writeShard(dir, { index, count: 3 });
  assert.deepEqual(mergeShards(dir, 3), { file: join(dir, 'faults.jsonl'), records: 12 });
  assert.ok(readFileSync(join(dir, 'faults.jsonl')).equals(single.faults));
  assert.ok(readFileSync(join(dir, 'faults.jsonl.units')).equals(single.units));
  assert.deepEqual(leftovers(dir), []);
});

test('--shards 0, -1 or 1.5 is a one-line error before anything is touched', () => {
  const dir = shardedFolder('merge-zero');
  for (const n of [0, -1, 1.5])
    refuses(
      () => mergeShards(dir, n),
      `--shards expects N of 'tgr inject --shard k/N', a whole number ≥ 1; got ${n} — nothing was changed`,
    );
  assert.ok(readFileSync(join(dir, 'faults.jsonl')).equals(single.faults));
  assert.deepEqual(leftovers(dir), []);
});

test('a shard made with other settings (--range-detector) is refused and the existing result kept', () => {
  const dir = shardedFolder('merge-foreign');
  const other = planFolder('merge-other', smallPlan({ rangeDetector: true }));
  writeShard(other, { index: 1, count: 3 }, smallPlan({ rangeDetector: true }));
  for (const f of ['faults.1-of-3.jsonl', 'faults.1-of-3.jsonl.units']) renameSync(join(other, f), join(dir, f));
  const file = join(dir, 'faults.1-of-3.jsonl');
  refuses(
    () => mergeShards(dir, 3),
    `${file} holds records made from another plan or settings (rangeDetector true ≠ false; file ≠ plan) — move it and ${file}.units away, or run it under its own --name`,
  );
  assert.ok(readFileSync(join(dir, 'faults.jsonl')).equals(single.faults));
  assert.deepEqual(leftovers(dir), []);
});

test('an unfinished, damaged or unverifiable shard is refused with the command that finishes it', () => {
  const dir = planFolder('merge-partial');
  writeShard(dir, { index: 0, count: 3 });
  writeShard(dir, { index: 2, count: 3 });
  const one = join(dir, 'faults.1-of-3.jsonl');
  refuses(() => mergeShards(dir, 3), `${one}: no such file — run 'tgr inject --shard 1/3' to make it, then merge`);
  writeShard(dir, { index: 1, count: 3 }, plan, 0);
  refuses(
    () => mergeShards(dir, 3),
    `${one}: shard 1/3 has 0 of its 4 records verified — run 'tgr inject --shard 1/3' to finish it, then merge`,
  );
  writeShard(dir, { index: 1, count: 3 });
  writeFileSync(one, readFileSync(one, 'utf8').replace('"faultyTop1":0', '"faultyTop1":1'));
  refuses(() => mergeShards(dir, 3), /faults\.1-of-3\.jsonl: unit 1 \(ids 4–7, lines 1–4\) does not match its sha256/);
  rmSync(`${one}.units`);
  refuses(
    () => mergeShards(dir, 3),
    `${one}: no ${one}.units to verify it by (copy it along with the shard, or run 'tgr inject --shard 1/3' once to rebuild it), then merge`,
  );
  assert.throws(() => readFileSync(join(dir, 'faults.jsonl')), /ENOENT/, 'nothing was written');
  assert.deepEqual(leftovers(dir), []);
});

test('the wrong N names the shard files that are there', () => {
  const dir = shardedFolder('merge-n');
  refuses(
    () => mergeShards(dir, 2),
    `${join(dir, 'faults.0-of-2.jsonl')}: no such file — this folder holds faults.0-of-3.jsonl, faults.1-of-3.jsonl, faults.2-of-3.jsonl; pass the N they were made with, or run 'tgr inject --shard 0/2' to make it, then merge`,
  );
});

test('a merge while another writer holds the campaign is refused', () => {
  const dir = shardedFolder('merge-locked');
  const lock = join(dir, 'faults.jsonl.lock');
  writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), started: 'now' }));
  refuses(
    () => mergeShards(dir, 3),
    `${dir} is being written by tgr pid ${process.ppid} on ${hostname()} since now — wait for it to finish (or stop it), or delete ${lock} if that process is gone`,
  );
  rmSync(lock);
  assert.equal(mergeShards(dir, 3).records, 12);
  assert.ok(readFileSync(join(dir, 'faults.jsonl')).equals(single.faults));
});

test('--shards 1 verifies faults.jsonl and writes nothing', () => {
  const dir = planFolder('merge-one');
  writeShard(dir, undefined);
  assert.equal(mergeShards(dir, 1).records, 12);
  rmSync(join(dir, 'faults.jsonl.units'));
  refuses(() => mergeShards(dir, 1), /faults\.jsonl: no .*faults\.jsonl\.units to verify it by/);
});
