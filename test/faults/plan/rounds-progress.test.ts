import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoundsRead, roundsProgress } from '../../../src/faults/plan/rounds.js';
import { smallPlan, unitLines } from '../records-fixture.js';

/** Two rounds of the small plan's records in their own folders: all 12 sites, then sites 0..5 again. */
function twoRounds() {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-rounds-progress-'));
  const plan = smallPlan();
  const rounds = [
    { lines: unitLines(plan, 0, 12), round: 0 },
    { lines: unitLines(plan, 0, 6), round: 1 },
  ].map(({ lines, round }) => {
    const d = join(dir, String(round));
    mkdirSync(d);
    writeFileSync(join(d, 'faults.jsonl'), lines);
    return { round, dir: d, plan };
  });
  return { plan, rounds };
}

test('roundsProgress sums every round’s records per layer and stratum; a round file rewritten is counted as it now is', () => {
  const { plan, rounds } = twoRounds();
  const at = () =>
    [...roundsProgress(rounds, ['a', 'b'])].map(([layer, p]) => [layer, p.mismatch[0]!.n, p.mismatch[0]!.hits]);
  // Layer a: sites 0..5 in both rounds (mismatch where id % 3 = 0: ids 0 and 3, twice); layer b: sites 6..11 once (6, 9).
  assert.deepEqual(at(), [
    ['a', 12, 4],
    ['b', 6, 2],
  ]);
  // Round 1 replaced by all 12 sites: its new counts.
  writeFileSync(join(rounds[1]!.dir, 'faults.jsonl'), unitLines(plan, 0, 12));
  assert.deepEqual(at(), [
    ['a', 12, 4],
    ['b', 12, 4],
  ]);
});

test('roundsProgress with a RoundsRead reads each round once: a later call adds only the rounds after those it tallied', () => {
  const { plan, rounds } = twoRounds();
  const read = new RoundsRead();
  const at = (rs: typeof rounds) =>
    [...roundsProgress(rs, ['a', 'b'], read)].map(([layer, p]) => [layer, p.mismatch[0]!.n, p.mismatch[0]!.hits]);
  assert.deepEqual(at(rounds.slice(0, 1)), [
    ['a', 6, 2],
    ['b', 6, 2],
  ]);
  // Round 0 is not read again (its records are final once complete): rewriting it here goes unseen, round 1 is added.
  writeFileSync(join(rounds[0]!.dir, 'faults.jsonl'), unitLines(plan, 0, 6));
  const both = [
    ['a', 12, 4],
    ['b', 6, 2],
  ];
  assert.deepEqual(at(rounds), both);
  assert.deepEqual(at(rounds), both, 'the same rounds again: nothing added twice');
  assert.equal(read.tallied, 2);
});
