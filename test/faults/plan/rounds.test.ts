import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { injectCampaign } from '../../../src/faults/campaign.js';
import type { CampaignOptions } from '../../../src/faults/campaign-options.js';
import { readPlan, writePlan } from '../../../src/faults/plan/plan-file.js';
import { runCampaign } from '../../../src/faults/run/runner.js';
import { mergeShards } from '../../../src/faults/store/merge.js';
import { planToPrecision, RoundRunner, roundsOptions, runRound } from '../../../src/faults/plan/precision.js';
import { UnitForward } from '../../../src/faults/run/unit-cache.js';
import { keptBlock } from '../../../src/faults/run/shared-sessions.js';
import { countForwards } from '../run/forward-count.js';
import type { Round } from '../../../src/faults/plan/assemble-rounds.js';
import {
  fallbackWarning,
  growthCap,
  latestRound,
  maxGrowth,
  runRounds,
  sequentialLevel,
  type WhileCalibrating,
} from '../../../src/faults/plan/rounds.js';
import { fayFeuerRate } from '../../../src/stats/fay-feuer.js';
import { stratifiedRate } from '../../../src/stats/stratified.js';
import { countsOf, rateOf } from '../../../src/faults/metrics/metrics.js';
import { readRecords } from '../../../src/faults/store/store.js';
import { summaryTable } from '../../../src/cli/summary-table.js';
import { planCampaign, type CampaignPlan } from '../../../src/faults/plan/plan.js';
import { saveModel } from '../../../src/onnx/proto-io.js';
import { residualNet } from '../nets.js';
import { fixture, tempDir } from '../fixtures.js';

const fx = fixture(residualNet());
const half = (e: { lower: number; upper: number }) => (e.upper - e.lower) / 2;
/** A one-line error matching `re`. */
const err = (re: RegExp) => (e: unknown) => e instanceof Error && !e.message.includes('\n') && re.test(e.message);
const bytes = (dir: string) => [
  readFileSync(join(dir, 'faults.jsonl'), 'utf8'),
  readFileSync(join(dir, 'faults.jsonl.units'), 'utf8'),
];

/** A run folder holding the fixture's model, and the options of a --halfwidth campaign on two layers. */
async function setup(label: string, more: Partial<CampaignOptions> = {}): Promise<CampaignOptions> {
  const f = await fx;
  const runDir = tempDir(label);
  saveModel(residualNet(), join(runDir, 'model.onnx'));
  return {
    model: join(runDir, 'model.onnx'),
    images: f.images,
    runDir,
    perLayer: 4096,
    stratify: 'bit',
    pilot: 64,
    halfwidth: 0.04,
    layers: ['fc', 'layer2.0.conv2'],
    quiet: true,
    // The level these settings calibrate to (the first campaign checks it), so the other tests skip the calibration.
    level: 0.9926,
    ...more,
  };
}

/** Per layer and bit, the (image, index) of the plan's sites in plan order. */
function perStratum(p: CampaignPlan): Map<string, string[]> {
  const out = new Map<string, string[]>();
  p.sites.layer.forEach((li, i) => {
    const key = `${p.layers[li]!.name}/${p.sites.bit[i]}`;
    out.set(key, [...(out.get(key) ?? []), `${p.sites.image[i]}:${p.sites.index[i]}`]);
  });
  return out;
}

const first = (async () => {
  const o = await setup('halfwidth', { level: undefined });
  return { o, result: await injectCampaign(o) };
})();

test('--halfwidth: a pilot round, then top-ups of the layers still wider, joined into one campaign that reaches the target', async () => {
  const { o, result } = await first;
  const dir = result.dir;
  const rounds = readdirSync(join(dir, 'rounds')).sort();
  assert.ok(rounds.length >= 2, `a top-up round ran (${rounds.join()})`);
  const plan = readPlan(join(dir, 'plan.json'));
  assert.equal(plan.halfwidth, 0.04);
  assert.deepEqual(plan.strata, { weights: new Array(32).fill(1 / 32), allocation: 'floor', pilot: 64 });
  const summary = result.summary!;
  const tau1 = summary.tau.indexOf(1);
  plan.layers.forEach((l, i) => {
    const s = summary.layers[i]!;
    assert.equal(s.injections, l.sites);
    assert.equal(
      l.perStratum!.reduce((a, c) => a + c, 0),
      l.sites,
    );
    assert.ok(l.sites! > 64 && l.sites! < 4096, `${l.name}: ${l.sites} sites, more than the pilot`);
    assert.ok(Math.max(half(s.sdc), half(s.critical[tau1]!)) <= 0.04, `${l.name} reached ±0.04`);
  });
  assert.equal(plan.perLayer, Math.max(...plan.layers.map((l) => l.sites!)));
  // The pilot's sites are the joined plan's first ones: its records count in the estimates.
  const pilot = readPlan(join(dir, 'rounds', '0', 'plan.json'));
  assert.deepEqual(plan.sites.image.slice(0, pilot.sites.image.length), pilot.sites.image);
  assert.equal(result.run.sites, plan.sites.layer.length);
  // One stream per (layer, bit): the rounds together drew each stratum's first n sites, as one plan of those n would.
  const { classifier, golden } = await import('../../../src/faults/campaign.js').then((m) => m.prepareGolden(o));
  const draws = Object.fromEntries(
    plan.layers.map((l) => [l.name, { from: l.perStratum!.map(() => 0), to: l.perStratum! }]),
  );
  const once = planCampaign({ ...o, classifier, golden, halfwidth: 0.04, draws, allocation: 'floor', pilot: 64 });
  assert.deepEqual(perStratum(plan), perStratum(once));
  // The joined records are what one run of the joined plan writes: the same sites and outcomes, the values to float
  // rounding — the rounds forward blocks of golden rows, the joined plan its own units, and the last layer's GEMM
  // differs in its last bit between those batches.
  const again = tempDir('halfwidth-joined');
  writePlan(join(again, 'plan.json'), plan);
  await runCampaign({ classifier, golden, plan, images: o.images, dir: again, quiet: true });
  const records = (d: string) => readRecords(join(d, 'faults.jsonl'));
  const [joined, once1] = [records(dir), records(again)];
  assert.equal(joined.length, once1.length);
  joined.forEach((r, i) => {
    const q = once1[i]!;
    const exact = ['id', 'layer', 'image', 'index', 'bit', 'goldenTop1', 'faultyTop1', 'nonFinite'] as const;
    assert.deepEqual(
      exact.map((k) => r[k]),
      exact.map((k) => q[k]),
    );
    for (const k of ['original', 'faulty', 'goldenLoss', 'faultyLoss'] as const) {
      const [x, y] = [r[k], q[k]];
      const same = Number.isFinite(y) ? Math.abs(x! - y!) <= 1e-5 * Math.max(1, Math.abs(y!)) : Object.is(x, y);
      assert.ok(same, `record ${i} ${k}: ${x} ≠ ${y}`);
    }
  });
  // A rerun finds the campaign joined: nothing runs, nothing changes.
  const before = bytes(dir);
  const rerun = await injectCampaign(o);
  assert.equal(rerun.run.resumed, plan.sites.layer.length);
  assert.deepEqual(bytes(dir), before);
  assert.deepEqual(rerun.summary, summary);
});

test('a round grows a layer at most ×8, unless the rounds allowed could then not reach the cap', () => {
  assert.equal(maxGrowth, 8);
  assert.equal(growthCap({ pilot: 128, maxRounds: 5, cap: 16_384 }), 8); // 128·8⁵ passes the cap
  assert.equal(growthCap({ pilot: 128, maxRounds: 1, cap: 16_384 }), 128); // one round must be free to reach it
  assert.equal(growthCap({ pilot: 64, maxRounds: 2, cap: 65_536 }), 32);
  assert.equal(growthCap({ pilot: 128, maxRounds: 0, cap: 16_384 }), 128); // no top-ups: the bound never applies
});

test('--halfwidth calibrates its level once, records it in every round and the joined plan, and reports at it', async () => {
  const { o, result } = await first;
  const { classifier, golden } = await import('../../../src/faults/campaign.js').then((m) => m.prepareGolden(o));
  const calibrated = sequentialLevel(roundsOptions(o, classifier, golden));
  assert.deepEqual([calibrated.level, calibrated.method], [0.9926, 'enumerated']);
  const plan = readPlan(join(result.dir, 'plan.json'));
  assert.equal(plan.level, 0.9926);
  assert.equal(plan.interval, 'fay-feuer');
  for (const r of readdirSync(join(result.dir, 'rounds'))) {
    const round = readPlan(join(result.dir, 'rounds', r, 'plan.json'));
    assert.deepEqual([round.level, round.interval], [0.9926, 'fay-feuer'], `round ${r}`);
  }
  // The summary's intervals are Fay–Feuer's at γ, not at 99%, and it says so.
  const summary = result.summary!;
  assert.deepEqual([summary.level, summary.interval], [0.9926, 'fay-feuer']);
  for (const l of summary.layers) {
    const at = (level: number) => fayFeuerRate(countsOf(l.strata, rateOf.sdc), level);
    assert.deepEqual(l.sdc, at(0.9926));
    assert.ok(l.sdc.upper - l.sdc.lower > at(0.99).upper - at(0.99).lower);
  }
  assert.match(
    summaryTable(summary),
    /\nintervals: 99% \(sequential, γ = 99\.26% per look\), rates by Fay–Feuer, so the --halfwidth procedure's intervals cover 99%\n/,
  );
});

test('--halfwidth --allocation neyman keeps the Korn–Graubard design; a resume may not switch designs', async () => {
  const o = await setup('halfwidth-neyman', { allocation: 'neyman' });
  const result = await injectCampaign(o);
  const plan = readPlan(join(result.dir, 'plan.json'));
  assert.deepEqual([plan.interval, plan.strata!.allocation], ['korn-graubard', 'neyman']);
  const summary = result.summary!;
  assert.equal(summary.interval, 'korn-graubard');
  for (const l of summary.layers) assert.deepEqual(l.sdc, stratifiedRate(countsOf(l.strata, rateOf.sdc), 0.9926));
  assert.doesNotMatch(summaryTable(summary), /Fay–Feuer/);
  await assert.rejects(
    injectCampaign({ ...o, allocation: 'floor' }),
    err(/^.*rounds was planned with other settings — pass --name for a second campaign, or delete .* to re-plan$/),
  );
  // Without --allocation a resume follows the campaign's own design.
  assert.equal((await injectCampaign({ ...o, allocation: undefined })).run.resumed, plan.sites.layer.length);
});

test('--halfwidth rounds run as shards and merged per round give the same bytes as one process', async () => {
  const { result } = await first;
  const o = await setup('halfwidth-shards');
  const { prepareGolden } = await import('../../../src/faults/campaign.js');
  const { classifier, golden } = await prepareGolden(o);
  const r = roundsOptions(o, classifier, golden);
  await runRounds(r, async (round) => {
    for (let k = 0; k < 2; k++) {
      const latest = latestRound(r);
      assert.equal(latest.round, round.round, 'a shard child runs the round its parent planned');
      await runRound(o, classifier, golden, latest, { index: k, count: 2 });
    }
    mergeShards(round.dir, 2);
  });
  assert.deepEqual(bytes(r.dir), bytes(result.dir));
  const sameModel = (p: CampaignPlan) => ({ ...p, model: { ...p.model, path: 'model.onnx' } });
  assert.deepEqual(sameModel(readPlan(join(r.dir, 'plan.json'))), sameModel(readPlan(join(result.dir, 'plan.json'))));
});

test('the rounds of one process keep each block of golden rows from one forward session, or, past the budget, forward their own units as each round alone does', async () => {
  const { result } = await first;
  const { prepareGolden } = await import('../../../src/faults/campaign.js');
  const { readGoldenActivations } = await import('../../../src/faults/run/golden.js');
  const run = UnitForward.prototype.run;
  /** Runs the rounds with `step`, returning the forward sessions made and the images each forward pass took. */
  const watched = async (
    o: CampaignOptions,
    step: (round: Round) => Promise<unknown>,
    alongside?: WhileCalibrating,
  ) => {
    const { classifier, golden } = await prepareGolden(o);
    const r = roundsOptions(o, classifier, golden);
    const forwarded: number[][] = [];
    UnitForward.prototype.run = function (images, indices) {
      forwarded.push([...indices]);
      return run.call(this, images, indices);
    };
    try {
      const sessions = await countForwards(() => runRounds(r, (round) => step(round).then(() => undefined), alongside));
      const plans = readdirSync(join(r.dir, 'rounds')).map((d) => readPlan(join(r.dir, 'rounds', d, 'plan.json')));
      return { dir: r.dir, golden, sessions, forwarded, plans };
    } finally {
      UnitForward.prototype.run = run;
    }
  };
  // Kept: one forward session for every round, whole blocks of golden rows each forwarded once, in the order the
  // units first need them; the bytes of the first campaign, which ran the same way.
  const o = await setup('halfwidth-kept');
  const { classifier, golden } = await prepareGolden(o);
  const keptRunner = new RoundRunner(o, classifier, golden, roundsOptions(o, classifier, golden));
  const kept = await watched(o, (round) => keptRunner.run(round)).finally(() => keptRunner.release());
  assert.deepEqual(bytes(kept.dir), bytes(result.dir));
  assert.equal(kept.sessions, 1);
  assert.ok(kept.plans.length >= 2);
  const units = kept.plans.flatMap((p) => p.units.map((u) => u.images));
  const row = new Map(golden.indices.map((img, i) => [img, i]));
  const blocks = [...new Set(units.flat().map((img) => Math.floor(row.get(img)! / keptBlock)))];
  assert.deepEqual(
    kept.forwarded,
    blocks.map((b) => golden.indices.slice(b * keptBlock, (b + 1) * keptBlock)),
  );
  // The level calibrated on a worker thread while the pilot's rows are forwarded (what tgr inject does): the hook gets
  // the pilot's sites, and the level, forward session, blocks and bytes are the same.
  const side = await setup('halfwidth-alongside', { level: undefined });
  await prepareGolden(side);
  const sideRunner = new RoundRunner(side, classifier, golden, roundsOptions(side, classifier, golden));
  const pilots: CampaignPlan[] = [];
  const along = await watched(
    side,
    (round) => sideRunner.run(round),
    (pilot, calibration) => {
      pilots.push(pilot);
      return sideRunner.whileCalibrating(pilot, calibration);
    },
  ).finally(() => sideRunner.release());
  assert.deepEqual(bytes(along.dir), bytes(result.dir));
  assert.equal(along.sessions, 1);
  assert.deepEqual(along.forwarded, kept.forwarded);
  assert.equal(pilots.length, 1);
  assert.deepEqual(pilots[0]!.sites, along.plans[0]!.sites);
  assert.deepEqual(
    along.plans.map((p) => p.level),
    kept.plans.map((p) => p.level),
  );
  // Past the budget: each round forwards its own units with its own session, the bytes of rounds run each alone.
  const none = await setup('halfwidth-none');
  await prepareGolden(none);
  const noneRunner = new RoundRunner(none, classifier, golden, roundsOptions(none, classifier, golden), 0);
  const notKept = await watched(none, (round) => noneRunner.run(round)).finally(() => noneRunner.release());
  const alone = await setup('halfwidth-alone');
  await prepareGolden(alone);
  const activations = readGoldenActivations(join(alone.runDir, 'golden.json'), golden);
  const eachAlone = await watched(alone, (round) =>
    runCampaign({
      classifier,
      golden,
      plan: round.plan,
      images: alone.images,
      dir: round.dir,
      quiet: true,
      activations,
    }),
  );
  assert.deepEqual(bytes(notKept.dir), bytes(eachAlone.dir));
  assert.deepEqual(
    [notKept.sessions, notKept.forwarded],
    [eachAlone.sessions, eachAlone.forwarded],
    'the forward sessions and passes of rounds run each alone',
  );
  assert.ok(notKept.sessions >= 2);
});

test('tgr plan --halfwidth runs the pilot and plans round 1; tgr inject then resumes there to the same bytes', async () => {
  const { result } = await first;
  const o = await setup('halfwidth-plan');
  const { prepareGolden } = await import('../../../src/faults/campaign.js');
  const { classifier, golden } = await prepareGolden(o);
  const planned = await planToPrecision(o, classifier, golden);
  assert.deepEqual(
    planned.rounds.map((r) => r.round),
    [0, 1],
  );
  assert.equal(readFileSync(join(planned.rounds[0]!.dir, 'faults.jsonl'), 'utf8').split('\n').length - 1, 2 * 64);
  assert.deepEqual(readdirSync(planned.rounds[1]!.dir), ['plan.json']);
  // Planning again changes nothing: round 1 is planned and not run.
  assert.deepEqual(
    (await planToPrecision(o, classifier, golden)).rounds.map((r) => r.round),
    [1],
  );
  const r = await injectCampaign(o);
  assert.deepEqual(bytes(r.dir), bytes(result.dir));
});

test('--halfwidth stops at the --per-layer cap and says on stderr which layers are still wider', async () => {
  const o = await setup('halfwidth-cap', { perLayer: 96, halfwidth: 0.01 });
  let err = '';
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  let r;
  try {
    r = await injectCampaign(o);
  } finally {
    process.stderr.write = write;
  }
  const plan = readPlan(join(r.dir, 'plan.json'));
  assert.ok(
    plan.layers.every((l) => l.sites! > 64 && l.sites! <= 96),
    plan.layers.map((l) => l.sites).join(),
  );
  assert.match(
    err,
    /campaign\/fp32: 2 layer\(s\) still wider than ±0\.01 \(--per-layer 96 or --max-rounds 5 reached\): fc ±0\.\d{4}, layer2\.0\.conv2 ±0\.\d{4} — raise those to go on\n$/,
  );
});

test('--halfwidth by hand: tgr plan, then --shard k/N processes run the planned round, and the next plan or inject merges them', async () => {
  const { result } = await first;
  const o = await setup('halfwidth-by-hand');
  const { prepareGolden } = await import('../../../src/faults/campaign.js');
  const { classifier, golden } = await prepareGolden(o);
  const planned = await planToPrecision(o, classifier, golden);
  const round1 = planned.rounds.at(-1)!;
  assert.equal(round1.round, 1);
  for (let k = 0; k < 2; k++) {
    const shard = await injectCampaign({ ...o, shard: { index: k, count: 2 } });
    assert.equal(shard.dir, round1.dir);
    assert.equal(shard.summary, undefined);
  }
  assert.deepEqual(
    readdirSync(round1.dir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort(),
    ['faults.0-of-2.jsonl', 'faults.1-of-2.jsonl'],
  );
  const r = await injectCampaign(o);
  assert.deepEqual(bytes(r.dir), bytes(result.dir));
  assert.deepEqual(bytes(round1.dir), bytes(join(result.dir, 'rounds', '1')), 'round 1 merged from its shards');
});

test('--halfwidth on a uniform plan: one stream per layer, rounds as with strata', async () => {
  const o = await setup('halfwidth-uniform', { stratify: 'none', pilot: 48, halfwidth: 0.05 });
  const r = await injectCampaign(o);
  const plan = readPlan(join(r.dir, 'plan.json'));
  assert.equal(plan.stratify, 'none');
  assert.ok(plan.layers.every((l) => l.perStratum === undefined && l.sites! >= 48));
  r.summary!.layers.forEach((s) => assert.ok(Math.max(half(s.sdc), half(s.critical[1]!)) <= 0.05));
});

test('--halfwidth refuses bad values and a campaign of another target in one line', async () => {
  const { o } = await first;
  const fresh = await setup('halfwidth-bad');
  await assert.rejects(
    injectCampaign({ ...fresh, halfwidth: 0.5 }),
    err(/^--halfwidth expects a proportion in \(0, 0\.5\), e\.g\. 0\.005 for ±0\.5%; got 0\.5$/),
  );
  await assert.rejects(
    injectCampaign({ ...fresh, pilot: 32 }),
    err(/^--pilot 32 is too small for --halfwidth: 32 bit strata need 2 sites each \(64\) — raise --pilot$/),
  );
  await assert.rejects(
    injectCampaign({ ...fresh, allocation: 'equal' }),
    err(
      /^--halfwidth allocates each round from the records so far: --allocation floor \(the default\) or neyman; drop --allocation equal$/,
    ),
  );
  await assert.rejects(
    injectCampaign({ ...fresh, perLayer: 32, pilot: 64 }),
    err(/^--per-layer 32 is below --pilot 64; with --halfwidth --per-layer caps each layer's sites — raise it$/),
  );
  await assert.rejects(
    injectCampaign({ ...o, halfwidth: 0.03 }),
    err(/plan\.json was planned for --halfwidth 0\.04, not --halfwidth 0\.03 — pass --name for a second campaign/),
  );
  await assert.rejects(
    injectCampaign({ ...fresh, shard: { index: 0, count: 2 } }),
    err(/has no planned round — run 'tgr plan' with the same --halfwidth first, or use --jobs instead of --shard$/),
  );
});

test('fallbackWarning: one line naming --per-layer and the Bonferroni level when the calibration fell back, none when it enumerated', () => {
  assert.equal(
    fallbackWarning({ level: 1 - 1.5e-7, method: 'bonferroni', work: 6e8 }, 65536),
    "--halfwidth: with --per-layer 65536 the level's calibration is too large to enumerate, so the rounds stop on and report at the provable Bonferroni level γ = 99.999985%, which needs several times the sites; a smaller --per-layer (e.g. four times the n you expect) calibrates exactly",
  );
  assert.equal(
    fallbackWarning({ level: 0.9927, method: 'enumerated', worst: { p: 0.0013, cover: 0.99 }, work: 1 }, 16384),
    undefined,
  );
});
