import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleRounds, joinRoundPlans, type Round } from '../../../src/faults/plan/assemble-rounds.js';
import { readPlan } from '../../../src/faults/plan/plan-file.js';
import type { CampaignPlan } from '../../../src/faults/plan/plan.js';
import { scanRecords } from '../../../src/faults/store/record-units.js';
import { plan as sample } from '../../run-folder/samples.js';

/** Round 0 (the pilot): both layers, 2 sites each, one unit. */
const round0 = {
  ...sample,
  halfwidth: 0.1,
  layers: sample.layers.map((l) => ({ ...l, sites: 2 })),
} as CampaignPlan;
/** Round 1: a top-up of layer fc only, one site, so its layer 0 is the campaign's layer 1. */
const round1 = {
  ...round0,
  perLayer: 1,
  layers: [{ ...sample.layers[1]!, sites: 1 }],
  groups: [[0]],
  units: [{ start: 0, end: 1, group: 0, images: [9] }],
  sites: { layer: [0], image: [9], index: [1], bit: [5] },
} as CampaignPlan;

test('joinRoundPlans shifts ids, units and groups and sums each layer’s sites', () => {
  const joined = joinRoundPlans([round0, round1]);
  assert.deepEqual(
    joined.layers.map((l) => [l.name, l.sites]),
    [
      ['conv1', 2],
      ['fc', 3],
    ],
  );
  assert.equal(joined.perLayer, 3);
  assert.deepEqual(joined.groups, [[0, 1], [1]]);
  assert.deepEqual(joined.units, [
    { start: 0, end: 4, group: 0, images: [0, 9] },
    { start: 4, end: 5, group: 1, images: [9] },
  ]);
  assert.deepEqual(joined.sites, {
    layer: [0, 0, 1, 1, 1],
    image: [0, 9, 0, 9, 9],
    index: [3, 15, 0, 1, 1],
    bit: [31, 0, 30, 22, 5],
  });
  assert.equal(round0.layers[0]!.sites, 2, 'the rounds are left as they were');
  // One round joins to itself.
  assert.deepEqual(joinRoundPlans([round0]), round0);
});

test('joinRoundPlans sums perStratum and gives single-bit rounds a bits column when another round has one', () => {
  const a = { ...round0, layers: round0.layers.map((l) => ({ ...l, perStratum: [1, 1] })) } as CampaignPlan;
  const b = {
    ...round1,
    layers: [{ ...round1.layers[0]!, perStratum: [0, 1] }],
    sites: { ...round1.sites, bits: [[5, 6]] },
  } as CampaignPlan;
  const joined = joinRoundPlans([a, b]);
  assert.deepEqual(
    joined.layers.map((l) => l.perStratum),
    [
      [1, 1],
      [1, 2],
    ],
  );
  assert.deepEqual(joined.sites.bits, [[31], [0], [30], [22], [5, 6]]);
});

/** Round folders under `dir`/rounds holding a record per site of each plan, ids as `id` gives them. */
function writeRounds(dir: string, plans: readonly CampaignPlan[], id = (i: number) => i): Round[] {
  return plans.map((plan, round) => {
    const d = join(dir, 'rounds', String(round));
    mkdirSync(d, { recursive: true });
    const lines = plan.sites.layer.map((li, i) => `{"id":${id(i)},"layer":"${plan.layers[li]!.name}","site":${i}}\n`);
    writeFileSync(join(d, 'faults.jsonl'), lines.join(''));
    return { round, dir: d, plan };
  });
}

test('assembleRounds writes the joined plan and records a resume accepts, ids shifted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-assemble-'));
  const rounds = writeRounds(dir, [round0, round1]);
  const joined = assembleRounds(dir, rounds);
  assert.deepEqual(joined, joinRoundPlans([round0, round1]));
  assert.deepEqual(readPlan(join(dir, 'plan.json')), joined);
  assert.equal(
    readFileSync(join(dir, 'faults.jsonl'), 'utf8'),
    [0, 1, 2, 3].map((i) => `{"id":${i},"layer":"${i < 2 ? 'conv1' : 'fc'}","site":${i}}\n`).join('') +
      '{"id":4,"layer":"fc","site":0}\n',
  );
  const scan = scanRecords(join(dir, 'faults.jsonl'), joined);
  assert.equal(scan.sidecar, true);
  assert.deepEqual([scan.units, scan.records, scan.tail, scan.perLayer], [2, 5, 0, [2, 3]]);
});

test('assembleRounds refuses records out of order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-assemble-'));
  writeFileSync(join(dir, 'faults.jsonl'), '{"id":1,"x":0}\n');
  assert.throws(
    () => assembleRounds(dir, [{ round: 0, dir, plan: round1 }]),
    /^Error: tgr internal error: .*faults\.jsonl: record 0 is out of order \(please report this\)$/,
  );
});

test('assembleRounds failing part-way leaves no temp file, no faults.jsonl, no sidecar and no plan.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-assemble-'));
  // Round 1's record 0 carries id 1: round 0's unit is written before the invariant stops the join.
  const rounds = [...writeRounds(dir, [round0]), ...writeRounds(join(dir, 'r1'), [round1], (i) => i + 1)];
  assert.throws(() => assembleRounds(dir, rounds), /faults\.jsonl: record 0 is out of order/);
  assert.deepEqual(readdirSync(dir).sort(), ['r1', 'rounds']);
});

test('assembleRounds whose rounds hold too few records leaves no temp file and no faults.jsonl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-assemble-'));
  const rounds = writeRounds(dir, [round0, round1]);
  writeFileSync(join(rounds[1]!.dir, 'faults.jsonl'), '');
  assert.throws(() => assembleRounds(dir, rounds), /the rounds hold every site of the plan/);
  assert.deepEqual(readdirSync(dir), ['rounds']);
});

test('assembleRounds whose sidecar cannot be written leaves no temp file and no faults.jsonl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-assemble-'));
  const rounds = writeRounds(dir, [round0, round1]);
  // A folder where the sidecar goes makes its rename fail after every record was written.
  mkdirSync(join(dir, 'faults.jsonl.units'));
  assert.throws(
    () => assembleRounds(dir, rounds),
    new RegExp(`^TgrError: cannot write ${join(dir, 'faults.jsonl.units')}: it is a folder; pass a file path$`),
  );
  assert.deepEqual(readdirSync(dir).sort(), ['faults.jsonl.units', 'rounds']);
  assert.deepEqual(readdirSync(join(dir, 'faults.jsonl.units')), []);
});
