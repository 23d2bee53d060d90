import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shardUnits } from '../../../src/faults/plan/shard.js';
import type { CampaignPlan, PlanUnit } from '../../../src/faults/plan/plan.js';
import { smallPlan } from '../records-fixture.js';

/** Each shard's site ranges, unit by unit, as [unit index, start, end]. */
const ranges = (plan: CampaignPlan, count: number) =>
  Array.from({ length: count }, (_, index) => {
    const { first, end, units } = shardUnits(plan, { index, count });
    assert.equal(end - first, units.length);
    return units.map((u, i) => [first + i, u.start, u.end]);
  });

/** A plan of one group: 10,240 sites of 20 layers × 512 in two units of 7,580 and 2,660 (the split). */
function lopsided(): CampaignPlan {
  const n = 10_240;
  const units: PlanUnit[] = [
    { start: 0, end: 7_580, group: 0, images: [0, 1] },
    { start: 7_580, end: n, group: 0, images: [2] },
  ];
  const layer = Array.from({ length: n }, (_, i) => Math.floor(i / 512));
  return smallPlan({ batchSize: 64, units, sites: { layer, image: layer, index: layer, bit: layer } });
}

test('one shard, or none, is the whole plan', () => {
  const plan = smallPlan();
  for (const shard of [undefined, { index: 0, count: 1 }])
    assert.deepEqual(shardUnits(plan, shard), { first: 0, end: 3, units: plan.units });
});

test('shards split inside units at the batch start nearest k·sites/n; the units they share are clipped', () => {
  // Units [0,4) [4,8) [8,12); batch size 4; layer 0 is sites 0–5, so unit 1's batches start at 4 and 6.
  assert.deepEqual(ranges(smallPlan(), 2), [
    [
      [0, 0, 4],
      [1, 4, 6],
    ],
    [
      [1, 6, 8],
      [2, 8, 12],
    ],
  ]);
  assert.deepEqual(ranges(smallPlan(), 3), [[[0, 0, 4]], [[1, 4, 8]], [[2, 8, 12]]]);
  // More shards than batches (starts 0, 4, 8 against targets 3, 6, 9): a shard can be empty and run nothing.
  assert.deepEqual(ranges(smallPlan({ sites: { ...smallPlan().sites, layer: Array(12).fill(0) } }), 4), [
    [[0, 0, 4]],
    [],
    [[1, 4, 8]],
    [[2, 8, 12]],
  ]);
});

test('a 10,240-site campaign split in units of 7,580 and 2,660 shards 5,120 + 5,120', () => {
  const plan = lopsided();
  const sizes = ranges(plan, 2).map((r) => r.reduce((s, [, a, b]) => s + b! - a!, 0));
  assert.deepEqual(sizes, [5_120, 5_120]);
  assert.deepEqual(ranges(plan, 2)[1]![0], [0, 5_120, 7_580]);
});

test('shards tile the sites in id order, each split where one process starts a batch', () => {
  const plan = lopsided();
  for (const count of [2, 3, 5, 7]) {
    let next = 0;
    for (const r of ranges(plan, count)) {
      for (const [, a, b] of r) {
        assert.equal(a, next);
        // 7,580 is a unit start; every other split sits on a 64-site batch of a 512-site layer.
        assert.ok(a === 7_580 || a! % 512 === 7_580 % 512 || a! % 64 === 0, `split at ${a}`);
        next = b!;
      }
    }
    assert.equal(next, 10_240);
  }
});
