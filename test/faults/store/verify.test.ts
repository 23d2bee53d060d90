import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultLog } from '../../../src/faults/store/fault-log.js';
import { campaignProgress, checkCampaignRecords, requireFinished } from '../../../src/faults/store/verify.js';
import { TgrError } from '../../../src/core/errors.js';
import { planFolder, smallPlan, unitLines } from '../records-fixture.js';

const plan = smallPlan();

/** A campaign folder whose faults.jsonl holds the first `units` units. */
function campaign(label: string, units: number, file = 'faults.jsonl'): string {
  const dir = planFolder(label);
  const shard = file === 'faults.jsonl' ? undefined : { index: 0, count: 3 };
  const log = FaultLog.open(join(dir, file), plan, shard);
  for (let u = 0; u < units; u++) {
    const { start, end } = plan.units[u]!;
    log.appendUnit(u, start, end, unitLines(plan, start, end));
  }
  log.close();
  return dir;
}

test('progress counts verified records per layer against the plan', () => {
  assert.deepEqual(campaignProgress(campaign('progress', 2)), {
    complete: false,
    done: 8,
    planned: 12,
    layers: [
      { layer: 'a', done: 6, planned: 6 },
      { layer: 'b', done: 2, planned: 6 },
    ],
    hashed: true,
  });
  assert.equal(campaignProgress(campaign('done', 3)).complete, true);
});

test('an unfinished campaign is refused, saying n done / n planned per layer', () => {
  const dir = campaign('unfinished', 1);
  assert.throws(
    () => requireFinished(dir, 'summarising'),
    (e: unknown) =>
      e instanceof TgrError &&
      e.message ===
        `${dir}: unfinished campaign, 4 of 12 records verified (a 4/6, b 0/6) — run 'tgr inject' on it again to finish it before summarising`,
  );
});

test('analysis refuses unmerged shards and unfinished records, and passes hand-made folders without a plan', () => {
  const sharded = campaign('sharded', 1, 'faults.0-of-3.jsonl');
  assert.throws(
    () => checkCampaignRecords(sharded),
    (e: unknown) =>
      e instanceof TgrError &&
      e.message ===
        `${sharded}: unfinished campaign, 0 of 12 records verified (a 0/6, b 0/6) — run 'tgr inject' on it again to finish it (sharded: run the shards, then tgr merge) before comparing or reporting it`,
  );
  assert.throws(() => checkCampaignRecords(campaign('partial', 2)), /unfinished campaign, 8 of 12 records verified/);
  checkCampaignRecords(campaign('finished', 3));
  checkCampaignRecords(planFolder('planned-only'));
  const handMade = mkdtempSync(join(tmpdir(), 'tgr-hand-'));
  writeFileSync(join(handMade, 'faults.jsonl'), '{"id":0}\n');
  checkCampaignRecords(handMade);
});

test('a damaged sidecar line in the middle is named; the resume redoes the units from there', () => {
  const dir = campaign('damaged-sidecar', 3);
  const units = join(dir, 'faults.jsonl.units');
  const lines = readFileSync(units, 'utf8').trimEnd().split('\n');
  writeFileSync(units, [lines[0], lines[1], 'garbage', lines[3]].join('\n') + '\n');
  assert.throws(
    () => campaignProgress(dir),
    (e: unknown) =>
      e instanceof TgrError &&
      e.message ===
        `${units}: line 3 is damaged, so records from unit 1 on are unverified — run 'tgr inject' on this campaign again to redo them`,
  );
  const said: string[] = [];
  const log = FaultLog.open(join(dir, 'faults.jsonl'), plan, undefined, (l) => said.push(l));
  assert.equal(log.doneUnits, 1);
  log.close();
  assert.equal(said[0], `${units}: line 3 is damaged; the units from there on are redone`);
});
