import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planCampaign, type CampaignPlan } from '../../../src/faults/plan/plan.js';
import { readPlan, writePlan } from '../../../src/faults/plan/plan-file.js';
import { shardUnits } from '../../../src/faults/plan/shard.js';
import { preparePlan } from '../../../src/faults/campaign.js';
import { mattered, pilotSd } from '../../../src/faults/plan/pilot.js';
import { allocate } from '../../../src/faults/plan/strata.js';
import { planTable } from '../../../src/cli/summary-table.js';
import type { InjectionRecord } from '../../../src/faults/store/records.js';
import { TgrError } from '../../../src/core/errors.js';
import { residualNet } from '../nets.js';
import { fixture, tempDir } from '../fixtures.js';

const fx = fixture(residualNet());

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TgrError, String(e));
    assert.ok(!e.message.includes('\n'));
    return e.message;
  }
  assert.fail('expected a TgrError');
}

/** Sites per (layer, bit) as the plan lists them. */
function drawn(p: CampaignPlan): number[][] {
  const out = p.layers.map(() => new Array<number>(32).fill(0));
  p.sites.layer.forEach((li, i) => out[li]![p.sites.bit[i]!]!++);
  return out;
}

test('equal allocation: 32 strata of weight 1/32, n split evenly (remainder to the lowest bits), sites as allocated', async () => {
  const { classifier, golden } = await fx;
  const p = planCampaign({ classifier, golden, perLayer: 100, seed: 3, stratify: 'bit' });
  assert.equal(p.stratify, 'bit');
  assert.deepEqual(p.strata, { weights: new Array(32).fill(1 / 32), allocation: 'equal' });
  const even = [4, 4, 4, 4, ...new Array<number>(28).fill(3)];
  for (const l of p.layers) assert.deepEqual(l.perStratum, even);
  assert.deepEqual(
    drawn(p),
    p.layers.map(() => even),
  );
  assert.deepEqual(planCampaign({ classifier, golden, perLayer: 100, seed: 3, stratify: 'bit' }), p, 'deterministic');
  assert.match(planTable(p), /, stratified by bit \(32 strata of weight 1\/32, sites split equally\)\n/);
  assert.notDeepEqual(planCampaign({ classifier, golden, perLayer: 100, seed: 4, stratify: 'bit' }).sites, p.sites);
  // A uniform plan is what it was: no strata fields, the same sites as before stratification existed.
  const u = planCampaign({ classifier, golden, perLayer: 100, seed: 3 });
  assert.equal(u.stratify, 'none');
  assert.ok(!('strata' in u) && u.layers.every((l) => !('perStratum' in l)));
  // Per-(layer, bit) streams: another layer choice leaves fc's sites as they were.
  const key = (q: CampaignPlan, name: string) => {
    const li = q.layers.findIndex((l) => l.name === name);
    return q.sites.layer
      .flatMap((l, i) => (l === li ? [`${q.sites.image[i]}/${q.sites.index[i]}/${q.sites.bit[i]}`] : []))
      .sort();
  };
  const sub = planCampaign({ classifier, golden, perLayer: 100, seed: 3, stratify: 'bit', layers: ['fc'] });
  assert.deepEqual(key(sub, 'fc'), key(p, 'fc'));
});

test('a stratified plan tiles its ids with units and shards, and round-trips through plan.json', async () => {
  const { classifier, golden } = await fx;
  const p = planCampaign({ classifier, golden, perLayer: 96, stratify: 'bit', batchSize: 8, unitSites: 1 });
  assert.ok(p.units.length >= 6);
  let next = 0;
  for (const u of p.units) {
    assert.equal(u.start, next);
    for (let i = u.start; i < u.end; i++) assert.ok(u.images.includes(p.sites.image[i]!));
    next = u.end;
  }
  assert.equal(next, p.sites.layer.length);
  next = 0;
  for (let k = 0; k < 3; k++) {
    for (const u of shardUnits(p, { index: k, count: 3 }).units) {
      assert.equal(u.start, next);
      next = u.end;
    }
  }
  assert.equal(next, p.sites.layer.length);
  const path = join(tempDir('plan-strata'), 'plan.json');
  writePlan(path, p);
  assert.deepEqual(readPlan(path), p);
});

test('plan.json: old plans read as uniform; bad strata fields are one-line errors naming the field', async () => {
  const { classifier, golden } = await fx;
  const path = join(tempDir('plan-strata'), 'plan.json');
  const u = planCampaign({ classifier, golden, perLayer: 4 });
  const { stratify: _, ...old } = u;
  writeFileSync(path, JSON.stringify(old));
  assert.equal(readPlan(path).stratify, 'none');
  const p = planCampaign({ classifier, golden, perLayer: 64, stratify: 'bit' });
  const per = p.layers[0]!.perStratum!;
  const moved = [per[0]! + 1, per[1]! - 1, ...per.slice(2)];
  const cases: [unknown, RegExp][] = [
    [{ ...p, stratify: 'byte' }, /not a valid plan\.json: stratify: Invalid option: expected one of "none"\|"bit"/],
    [{ ...u, strata: p.strata }, /strata is present but stratify is "none"/],
    [{ ...p, strata: undefined }, /stratify is "bit" but strata is missing/],
    [{ ...p, strata: { ...p.strata, weights: [0.5, 0.5] } }, /strata\.weights is not 32 positive weights summing to 1/],
    [
      { ...p, strata: { ...p.strata, allocation: 'neyman' } },
      /strata\.pilot is undefined; expected a whole number for Neyman or floor allocation only/,
    ],
    [{ ...p, errorModel: 'multi-bit-random:2' }, /stratify is "bit" but the error model touches several bits/],
    [{ ...p, interval: 'fay-feuer' }, /interval is present but the plan is not a bit-stratified --halfwidth plan/],
    [
      { ...p, interval: 'wald' },
      /not a valid plan\.json: interval: Invalid option: expected one of "korn-graubard"\|"fay-feuer"/,
    ],
    [
      { ...p, layers: [{ ...p.layers[0]!, perStratum: per.slice(1) }, ...p.layers.slice(1)] },
      /layers\[0\]\.perStratum is not 32 whole numbers summing to perLayer 64/,
    ],
    [
      { ...p, layers: [{ ...p.layers[0]!, perStratum: moved }, ...p.layers.slice(1)] },
      /layers\[0\]\.perStratum\[0\] is 3 but the plan has 2 sites on that bit/,
    ],
  ];
  for (const [value, re] of cases) {
    writeFileSync(path, JSON.stringify(value));
    assert.match(
      errorOf(() => readPlan(path)),
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ${re.source} — re-create it with 'tgr plan'$`),
    );
  }
});

test('stratifying refuses multi-bit models, too small an n, and Neyman without a pilot, naming the flag', async () => {
  const { classifier, golden } = await fx;
  const plan = (o: object) => () => planCampaign({ classifier, golden, perLayer: 64, stratify: 'bit', ...o });
  assert.equal(
    errorOf(plan({ errorModel: 'multi-bit-adjacent:2' })),
    "--stratify bit needs an error model that touches one uniformly drawn bit (bit-flip, stuck-at-0, stuck-at-1); 'multi-bit-adjacent:2' touches several — use --stratify none",
  );
  assert.match(errorOf(plan({ errorModel: 'random-value' })), /'random-value' touches several/);
  assert.equal(
    errorOf(plan({ allocation: 'floor' })),
    '--allocation floor sizes the rounds of a --halfwidth campaign; add --halfwidth W or use equal or neyman',
  );
  assert.equal(
    planCampaign({ classifier, golden, perLayer: 64, stratify: 'bit', errorModel: 'stuck-at-1' }).stratify,
    'bit',
  );
  assert.equal(
    errorOf(plan({ perLayer: 63 })),
    '--per-layer 63 is too small for --stratify bit: 32 bit strata need at least 2 sites each (64) — raise --per-layer or use --stratify none',
  );
  assert.equal(
    planCampaign({ classifier, golden, perLayer: 32, stratify: 'bit', format: 'int8' }).layers[0]!.perStratum!.length,
    8,
  );
  assert.equal(
    errorOf(plan({ allocation: 'neyman' })),
    '--allocation neyman needs a pilot: pass --pilot N (sites per layer, at least 64)',
  );
  assert.equal(
    errorOf(plan({ stratify: 'none', allocation: 'neyman' })),
    "--allocation neyman splits a layer's sites over bit strata; add --stratify bit",
  );
});

test('Neyman allocation follows the pilot sd: n_h ∝ sd_h, at least 2 each, summing to n', () => {
  const weights = new Array<number>(8).fill(1 / 8);
  assert.deepEqual(allocate(64, weights), new Array(8).fill(8));
  assert.deepEqual(allocate(64, weights, [0, 0, 0, 0, 0, 0, 1, 3]), [2, 2, 2, 2, 2, 2, 13, 39]);
  assert.equal(pilotSd(0, 3), Math.sqrt((0.5 / 4) * (3.5 / 4)));
  assert.equal(pilotSd(3, 3), pilotSd(0, 3), 'symmetric');
  const r = (o: Partial<InjectionRecord>): InjectionRecord => ({
    id: 0,
    layer: 'fc',
    image: 0,
    index: 0,
    bit: 3,
    original: 1,
    faulty: 1,
    goldenTop1: 2,
    faultyTop1: 2,
    goldenLoss: 0.5,
    faultyLoss: 0.5,
    nonFinite: false,
    ...o,
  });
  assert.equal(mattered(r({})), false);
  assert.equal(mattered(r({ faultyLoss: 1.5 })), false, 'ΔLoss of exactly 1 is not above τ = 1');
  assert.equal(mattered(r({ faultyLoss: 1.6 })), true);
  assert.equal(mattered(r({ faultyTop1: 1 })), true);
  assert.equal(mattered(r({ nonFinite: true, faultyLoss: null })), true);
  assert.equal(mattered(r({ detected: true })), true);
});

test('preparePlan runs the Neyman pilot in pilot/, plans from it, reuses the plan without the pilot, and refuses other settings', async () => {
  const f = await fx;
  const runDir = tempDir('neyman');
  const o = {
    model: 'unused.onnx',
    images: f.images,
    runDir,
    perLayer: 192,
    stratify: 'bit' as const,
    allocation: 'neyman' as const,
    pilot: 64,
    layers: ['fc', 'layer2.0.conv2'],
    quiet: true,
  };
  const { dir, plan } = await preparePlan(o, f.classifier, f.golden);
  assert.ok(existsSync(join(dir, 'pilot', 'faults.jsonl')));
  assert.equal(
    readFileSync(join(dir, 'pilot', 'faults.jsonl'), 'utf8')
      .trim()
      .split('\n').length,
    2 * 64,
  );
  assert.deepEqual(plan.strata, { weights: new Array(32).fill(1 / 32), allocation: 'neyman', pilot: 64 });
  for (const l of plan.layers) {
    assert.equal(
      l.perStratum!.reduce((a, c) => a + c, 0),
      192,
    );
    assert.ok(Math.min(...l.perStratum!) >= 2);
  }
  assert.notDeepEqual(plan.layers[0]!.perStratum, new Array(32).fill(6), 'the pilot moved sites between bits');
  assert.deepEqual(readPlan(join(dir, 'plan.json')), plan);
  assert.match(planTable(plan), /sites split Neyman from a 64-site pilot per layer\)\n/);
  // A planned campaign is checked without its pilot, so shards started on it never touch pilot/.
  rmSync(join(dir, 'pilot'), { recursive: true });
  assert.deepEqual((await preparePlan(o, f.classifier, f.golden)).plan, plan, 'a rerun reuses the plan');
  assert.ok(!existsSync(join(dir, 'pilot')));
  await assert.rejects(
    preparePlan({ ...o, allocation: 'equal', pilot: undefined }, f.classifier, f.golden),
    /plan\.json was planned with other settings \(allocation\) — pass --name/,
  );
  await assert.rejects(
    preparePlan({ ...o, pilot: undefined }, f.classifier, f.golden),
    /^TgrError: --allocation neyman needs --pilot N/,
  );
  await assert.rejects(
    preparePlan({ ...o, stratify: 'none' }, f.classifier, f.golden),
    /^TgrError: --allocation neyman splits a layer's sites over bit strata; add --stratify bit$/,
  );
  await assert.rejects(
    preparePlan({ ...o, allocation: undefined }, f.classifier, f.golden),
    /^TgrError: --pilot runs a pilot for --stratify bit --allocation neyman; add those or drop --pilot$/,
  );
  await assert.rejects(
    preparePlan({ ...o, maxRounds: 3 }, f.classifier, f.golden),
    /^TgrError: --max-rounds bounds the top-up rounds of a --halfwidth campaign; add --halfwidth W or drop --max-rounds$/,
  );
});
