import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runFolderFiles } from '../../run-folder/file-names.js';
import { check, TgrError } from '../../core/errors.js';
import { errorModel } from '../error-models/registry.js';
import { numberFormat } from '../formats/registry.js';
import { LayerAccumulator } from '../metrics/layer-accumulator.js';
import { forEachRecord } from '../store/store.js';
import { scanRecords } from '../store/record-units.js';
import { mergeShards } from '../store/merge.js';
import { halfWidth, nextCounts } from '../../stats/halfwidth-size.js';
import type { StratumCount } from '../../stats/stratified.js';
import {
  calibratedLevel,
  targetCoverage,
  type CalibratedLevel,
  type SequentialSetting,
} from '../../stats/sequential-level.js';
import { calibratedLevelInThread } from '../../stats/level-thread.js';
import { checkAllocationStrata, planCampaign, type CampaignPlan, type LayerDraws, type PlanOptions } from './plan.js';
import { campaignInterval, campaignLevel, readPlan, writePlan } from './plan-file.js';
import { allocate, bitStrata, halfwidthAllocation, halfwidthInterval, minPerStratum } from './strata.js';
import type { RateInterval } from '../../stats/rate-intervals.js';
import { pilotTau } from './pilot.js';
import { assembleRounds, type Round } from './assemble-rounds.js';

/*
 * A campaign planned for a precision instead of an n (`--halfwidth W`): every layer is sampled until the 99% half-width
 * of both its mismatch (SDC) rate and its critical-fault rate P(ΔLoss > 1) is at most W. Round 0 is the pilot: `pilot`
 * sites per layer, equal over the strata. After each round the layers still wider than W get a top-up sized from all
 * their records so far (stats/halfwidth-size.ts), and the next round draws only those new sites. Every stratum of
 * every layer has one stream, and round r takes its next draws, so the rounds together are one sample: the pilot's
 * records count in the estimates. Each round is an ordinary campaign in campaign/NAME/rounds/R/ (resumable,
 * shardable, mergeable); when no layer needs more, the rounds are joined into campaign/NAME/plan.json and faults.jsonl
 * (assemble-rounds.ts), which every later step reads as any campaign. Stopping on the measured width would make a 99%
 * interval cover less than 99%, so the rounds stop on, and the campaign reports, intervals at a level γ ≥ 99% chosen
 * when round 0 is planned and recorded in its plan (sequentialLevel): docs/ARCHITECTURE.md, "Planning for a precision".
 */

/** A precision-targeted campaign: the plan settings (`perLayer` is each layer's cap), the target and the rounds. */
export interface RoundsOptions {
  settings: PlanOptions;
  halfwidth: number;
  /** Round 0's sites per layer, spread equally over the strata. */
  pilot: number;
  /** Top-up rounds after the pilot at most. */
  maxRounds: number;
  /** The campaign folder (campaign/NAME). */
  dir: string;
  /** Per layer name, its own targets for the two rates instead of `halfwidth` (bench/time-to-stats.ts: the peer's). */
  targets?: Readonly<Record<string, { mismatch: number; critical: number }>>;
  /**
   * The level to stop on and report at instead of the calibrated one (sequentialLevel); recorded in round 0's plan
   * either way, and every later step reads it from there.
   */
  level?: number;
  /** What this process has read of the rounds already (roundsOptions makes one per campaign); absent, all is re-read. */
  read?: RoundsRead;
}

/**
 * What one process has read of a campaign's rounds: their plans (a plan.json is never rewritten), which rounds it has
 * found complete, and the tallies of complete rounds, so each round's planning reads only the new round's records.
 */
export class RoundsRead {
  readonly plans: CampaignPlan[] = [];
  checked = false;
  readonly complete = new Set<number>();
  tallied = 0;
  accumulators: Map<string, LayerAccumulator> | undefined;
}

/** Rounds after the pilot unless told otherwise. */
export const defaultMaxRounds = 5;
/** Round 0's sites per layer unless told otherwise (4 per fp32 bit). */
export const defaultPilot = 128;
/** A top-up grows a layer's sample at least this much, so a near miss does not cost a round for a handful of sites. */
export const minGrowth = 1.25;

/**
 * A top-up grows a layer's sample at most this much: it is sized from the rates seen so far, and a pilot's few draws
 * per bit overstate a rare bit's rate as often as they miss it (1 hit in 4 projects p = ¼), while sites spent cannot be
 * taken back and a shortfall costs only a round (what it saves: bench/RESULTS.md, "Time to the paper's statistics").
 */
export const maxGrowth = 8;

/** The most one round may grow a layer's sample: maxGrowth, or more where that many rounds of it would not reach the cap. */
export function growthCap(o: { pilot: number; maxRounds: number; cap: number }): number {
  return Math.max(maxGrowth, (o.cap / o.pilot) ** (1 / Math.max(1, o.maxRounds)));
}

/** Round r's folder inside the campaign folder. */
export function roundDir(dir: string, round: number): string {
  return join(dir, 'rounds', String(round));
}

/** Checks the target's settings: one-line errors naming the flag. */
export function checkRoundsOptions(
  o: Pick<RoundsOptions, 'halfwidth' | 'pilot' | 'maxRounds' | 'settings' | 'level'>,
): void {
  check(
    o.halfwidth > 0 && o.halfwidth < 0.5,
    'bad_argument',
    () => `--halfwidth expects a proportion in (0, 0.5), e.g. 0.005 for ±0.5%; got ${o.halfwidth}`,
  );
  check(
    o.level === undefined || (o.level >= 0.99 && o.level < 1),
    'bad_argument',
    () => `the level a --halfwidth campaign stops on must lie in [0.99, 1); got ${o.level}`,
  );
  check(
    Number.isInteger(o.maxRounds) && o.maxRounds >= 0,
    'bad_argument',
    () => `--max-rounds expects a whole number ≥ 0 (top-up rounds after the pilot); got ${o.maxRounds}`,
  );
  check(
    o.settings.allocation === undefined || o.settings.allocation === 'neyman' || o.settings.allocation === 'floor',
    'bad_argument',
    () =>
      `--halfwidth allocates each round from the records so far: --allocation floor (the default) or neyman; drop --allocation ${o.settings.allocation}`,
  );
  checkAllocationStrata(o.settings.stratify ?? 'none', o.settings.allocation);
  const strata = strataWeights(o.settings).length;
  const least = (strata > 1 ? minPerStratum : 1) * strata;
  check(
    Number.isInteger(o.pilot) && o.pilot >= least,
    'bad_argument',
    () =>
      `--pilot ${o.pilot} is too small for --halfwidth: ${strata > 1 ? `${strata} bit strata need ${minPerStratum} sites each` : 'a layer needs one site'} (${least}) — raise --pilot`,
  );
  check(
    o.settings.perLayer >= o.pilot,
    'bad_argument',
    () =>
      `--per-layer ${o.settings.perLayer} is below --pilot ${o.pilot}; with --halfwidth --per-layer caps each layer's sites — raise it`,
  );
}

/** The strata weights of the settings: the bit strata, or one stratum of weight 1 for a uniform plan. */
function strataWeights(s: PlanOptions): number[] {
  if ((s.stratify ?? 'none') === 'none') return [1];
  return bitStrata(numberFormat(s.format ?? 'fp32'), errorModel(s.errorModel));
}

/**
 * The level a campaign stops on and reports at: the smallest γ ≥ 99% at which the one-stratum procedure of these
 * settings (the pilot, the target — the smallest one with per-layer targets —, the rounds, the cap, minGrowth and
 * growthCap) covers 99% by exact enumeration, or the Bonferroni fallback when that is too large to enumerate
 * (stats/sequential-level.ts).
 */
export function sequentialLevel(o: Pick<RoundsOptions, 'settings' | 'halfwidth' | 'pilot' | 'maxRounds' | 'targets'>) {
  return calibratedLevel(levelSetting(o));
}

/** The one-stratum procedure whose coverage sets a campaign's level (sequentialLevel). */
function levelSetting(
  o: Pick<RoundsOptions, 'settings' | 'halfwidth' | 'pilot' | 'maxRounds' | 'targets'>,
): SequentialSetting {
  const widths = Object.values(o.targets ?? {}).flatMap((t) => [t.mismatch, t.critical]);
  return {
    pilot: o.pilot,
    halfwidth: Math.min(o.halfwidth, ...widths),
    maxRounds: o.maxRounds,
    cap: o.settings.perLayer,
    growth: minGrowth,
    maxGrowth: growthCap({ pilot: o.pilot, maxRounds: o.maxRounds, cap: o.settings.perLayer }),
  };
}

/**
 * What to tell a user whose level is the Bonferroni fallback (the calibration ran past its budget, which a large cap
 * with a small target does): that level costs several times the sites of a calibrated one, and a smaller cap avoids it.
 */
export function fallbackWarning(c: CalibratedLevel, cap: number): string | undefined {
  if (c.method !== 'bonferroni') return undefined;
  return `--halfwidth: with --per-layer ${cap} the level's calibration is too large to enumerate, so the rounds stop on and report at the provable Bonferroni level γ = ${(100 * c.level).toPrecision(8)}%, which needs several times the sites; a smaller --per-layer (e.g. four times the n you expect) calibrates exactly`;
}

/** Round r's plan: the settings with the given draws for the layers that have any, and the campaign's level. */
function roundPlan(
  o: RoundsOptions,
  round: number,
  draws: Record<string, LayerDraws>,
  level: number,
  interval: RateInterval,
): CampaignPlan {
  const names = Object.keys(draws).filter((n) => draws[n]!.to.some((t, h) => t > draws[n]!.from[h]!));
  const stratified = (o.settings.stratify ?? 'none') === 'bit';
  return planCampaign({
    ...o.settings,
    layers: names,
    halfwidth: o.halfwidth,
    level,
    ...(stratified ? { interval } : {}),
    draws,
    allocation: stratified ? (round === 0 ? 'equal' : halfwidthAllocation(interval)) : undefined,
    pilot: stratified && round > 0 ? o.pilot : undefined,
    pilotSd: undefined,
  });
}

/** The rate interval a campaign of these settings reports: Fay–Feuer or Korn–Graubard with bit strata, by design. */
function roundsInterval(o: RoundsOptions): RateInterval {
  return (o.settings.stratify ?? 'none') === 'bit' ? halfwidthInterval(o.settings.allocation) : 'korn-graubard';
}

/** The pilot round: `pilot` sites per layer, equal over the strata (the remainder to the lowest), from draw 0. */
function pilotRound(o: RoundsOptions, level: number, interval: RateInterval): CampaignPlan {
  const weights = strataWeights(o.settings);
  const layers = planCampaign({ ...o.settings, perLayer: 1, stratify: 'none', allocation: undefined }).layers;
  const counts = weights.length > 1 ? allocate(o.pilot, weights) : [o.pilot];
  const draws = Object.fromEntries(layers.map((l) => [l.name, { from: counts.map(() => 0), to: counts }]));
  return roundPlan(o, 0, draws, level, interval);
}

/** The rounds planned so far (0..R), read from disk; round 0 checked against the settings. */
function plannedRounds(o: RoundsOptions): Round[] {
  const rounds: Round[] = [];
  const read = o.read;
  for (let r = 0; read?.plans[r] || existsSync(join(roundDir(o.dir, r), runFolderFiles.plan)); r++) {
    const plan = read?.plans[r] ?? readPlan(join(roundDir(o.dir, r), runFolderFiles.plan));
    if (read) read.plans[r] = plan;
    rounds.push({ round: r, dir: roundDir(o.dir, r), plan });
  }
  if (rounds.length > 0 && !read?.checked) {
    if (read) read.checked = true;
    const old = rounds[0]!.plan;
    const fresh = pilotRound(o, campaignLevel(old), campaignInterval(old));
    check(
      JSON.stringify(old.sites) === JSON.stringify(fresh.sites) &&
        old.halfwidth === o.halfwidth &&
        (o.level === undefined || campaignLevel(old) === o.level) &&
        (o.settings.allocation === undefined ||
          old.stratify !== 'bit' ||
          campaignInterval(old) === halfwidthInterval(o.settings.allocation)) &&
        (
          ['format', 'errorModel', 'target', 'seed', 'rangeDetector', 'guard', 'stratify', 'batchSize', 'pool'] as const
        ).every((k) => old[k] === fresh[k]),
      'bad_plan',
      () =>
        `${join(o.dir, 'rounds')} was planned with other settings — pass --name for a second campaign, or delete ${o.dir} to re-plan`,
    );
  }
  return rounds;
}

/** Whether a round's records are all there (its faults.jsonl verified against its plan). */
function complete(r: Round, read?: RoundsRead): boolean {
  if (read?.complete.has(r.round)) return true;
  const file = join(r.dir, runFolderFiles.faults);
  const done = existsSync(file) && scanRecords(file, r.plan).records === r.plan.sites.layer.length;
  if (done) read?.complete.add(r.round);
  return done;
}

/**
 * A round run as `--shard k/N` processes (by hand, Slurm) and not merged yet: merged here, so planning goes on from it.
 * A shard still missing or unfinished is mergeShards' one-line error naming it.
 */
function mergeRoundShards(r: Round): void {
  if (existsSync(join(r.dir, runFolderFiles.faults)) || !existsSync(r.dir)) return;
  const counts = readdirSync(r.dir).flatMap((f) => {
    const m = /^faults\.\d+-of-(\d+)\.jsonl$/.exec(f);
    return m ? [Number(m[1])] : [];
  });
  if (counts.length > 0) mergeShards(r.dir, Math.max(...counts));
}

/** Per layer name: per stratum the mismatch and critical counts over every record of the rounds, and its half-widths. */
export interface LayerProgress {
  mismatch: StratumCount[];
  critical: StratumCount[];
  halfwidth: { mismatch: number; critical: number };
}

/**
 * Tallies every record of the rounds per layer and stratum, with the intervals the summary will report: at the
 * campaign's level, which round 0's plan records.
 */
export function roundsProgress(
  rounds: readonly Round[],
  layers: readonly string[],
  read?: RoundsRead,
): Map<string, LayerProgress> {
  const weights = rounds[0]!.plan.strata?.weights ?? null;
  const level = campaignLevel(rounds[0]!.plan);
  const interval = campaignInterval(rounds[0]!.plan);
  // With `read`, the rounds tallied before are not read again (they are complete, so their records are final).
  const fresh = !read?.accumulators || read.tallied > rounds.length;
  const acc = fresh
    ? new Map(layers.map((l) => [l, new LayerAccumulator(l, { tau: [pilotTau], weights, level, interval })]))
    : read.accumulators!;
  for (const r of rounds.slice(fresh ? 0 : read!.tallied))
    forEachRecord(join(r.dir, runFolderFiles.faults), (rec) => acc.get(rec.layer)!.add(rec));
  if (read) [read.accumulators, read.tallied] = [acc, rounds.length];
  return new Map(
    [...acc].map(([name, a]) => {
      const t = a.tallies();
      const mismatch = t.map((s) => ({ weight: s.weight, n: s.n, hits: s.sdc }));
      const critical = t.map((s) => ({ weight: s.weight, n: s.n, hits: s.critical[0]! }));
      return [
        name,
        {
          mismatch,
          critical,
          halfwidth: {
            mismatch: halfWidth(mismatch, level, interval),
            critical: halfWidth(critical, level, interval),
          },
        },
      ];
    }),
  );
}

/**
 * The round to run next: the last planned one while its records are incomplete, else a new top-up round for the
 * layers still wider than the target (undefined when none is, or the rounds or caps are spent). Deterministic in the
 * records, so a resumed or sharded campaign plans the same rounds.
 */
export function nextRound(o: RoundsOptions): Round | undefined {
  const rounds = plannedRounds(o);
  if (rounds.length === 0) {
    const calibrated = o.level === undefined ? sequentialLevel(o) : undefined;
    const warning = calibrated && fallbackWarning(calibrated, o.settings.perLayer);
    if (warning) process.stderr.write(warning + '\n');
    return writeRound(o, 0, pilotRound(o, o.level ?? calibrated!.level, roundsInterval(o)));
  }
  const last = rounds.at(-1)!;
  const level = campaignLevel(rounds[0]!.plan);
  const interval = campaignInterval(rounds[0]!.plan);
  mergeRoundShards(last);
  if (!complete(last, o.read)) return last;
  if (last.round >= o.maxRounds) return undefined;
  const layers = rounds[0]!.plan.layers.map((l) => l.name);
  const progress = roundsProgress(rounds, layers, o.read);
  const draws: Record<string, LayerDraws> = {};
  for (const name of layers) {
    const p = progress.get(name)!;
    const have = p.mismatch.map((s) => s.n);
    const t = o.targets?.[name];
    const to = nextCounts([p.mismatch, p.critical], t ? [t.mismatch, t.critical] : o.halfwidth, {
      min: have.length > 1 ? minPerStratum : 1,
      cap: o.settings.perLayer,
      growth: minGrowth,
      maxGrowth: growthCap({ pilot: o.pilot, maxRounds: o.maxRounds, cap: o.settings.perLayer }),
      level,
      interval,
    });
    if (to) draws[name] = { from: have, to };
  }
  if (Object.keys(draws).length === 0) return undefined;
  return writeRound(o, last.round + 1, roundPlan(o, last.round + 1, draws, level, interval));
}

/** The plan of a campaign's first round, which holds every layer (what the rounds' shared sessions are made for). */
export function firstRoundPlan(o: RoundsOptions): CampaignPlan {
  return o.read?.plans[0] ?? readPlan(join(roundDir(o.dir, 0), runFolderFiles.plan));
}

/** The last planned round (what a shard child runs: its parent planned it), or an error naming what to run first. */
export function latestRound(o: RoundsOptions): Round {
  const rounds = plannedRounds(o);
  if (rounds.length === 0)
    throw new TgrError(
      'bad_plan',
      `${o.dir} has no planned round — run 'tgr plan' with the same --halfwidth first, or use --jobs instead of --shard`,
    );
  return rounds.at(-1)!;
}

/** Every planned round, each complete (what assembling needs). */
export function finishedRounds(o: RoundsOptions): Round[] {
  const rounds = plannedRounds(o);
  const open = rounds.find((r) => !complete(r, o.read));
  if (open)
    throw new TgrError('bad_file', `${open.dir} is not finished — run the same 'tgr inject --halfwidth' again`, {
      dir: open.dir,
    });
  return rounds;
}

/** The layers of finished rounds still wider than their target (cap or rounds spent), with their widest half-width. */
export function unreached(o: RoundsOptions): { layer: string; halfwidth: number }[] {
  const rounds = finishedRounds(o);
  const progress = roundsProgress(
    rounds,
    rounds[0]!.plan.layers.map((l) => l.name),
    o.read,
  );
  return [...progress].flatMap(([layer, p]) => {
    const t = o.targets?.[layer] ?? { mismatch: o.halfwidth, critical: o.halfwidth };
    const over = p.halfwidth.mismatch > t.mismatch || p.halfwidth.critical > t.critical;
    return over ? [{ layer, halfwidth: Math.max(p.halfwidth.mismatch, p.halfwidth.critical) }] : [];
  });
}

function writeRound(o: RoundsOptions, round: number, plan: CampaignPlan): Round {
  const dir = roundDir(o.dir, round);
  writePlan(join(dir, runFolderFiles.plan), plan);
  return { round, dir, plan };
}

/**
 * Runs the rounds (`run` runs one to completion, resuming it) until no layer needs more, then joins them into the
 * campaign folder; a campaign already joined is read back (its target checked).
 */
export async function runRounds(
  o: RoundsOptions,
  run: (r: Round) => Promise<void>,
  alongside?: WhileCalibrating,
): Promise<CampaignPlan> {
  const path = join(o.dir, runFolderFiles.plan);
  if (existsSync(path)) {
    const plan = readPlan(path);
    check(
      plan.halfwidth === o.halfwidth,
      'bad_plan',
      () =>
        `${path} was planned ${plan.halfwidth === undefined ? 'with a fixed n' : `for --halfwidth ${plan.halfwidth}`}, not --halfwidth ${o.halfwidth} — pass --name for a second campaign, or delete ${o.dir} to re-plan`,
    );
    return plan;
  }
  if (alongside && o.level === undefined && plannedRounds(o).length === 0) o = await calibrateAlongside(o, alongside);
  let previous = -1;
  for (let r = nextRound(o); r; r = nextRound(o)) {
    // A round still open after its run means the run could not finish it; planning on would loop.
    check(r.round !== previous, 'bad_file', () => `${r!.dir}: the round did not finish — run the same command again`);
    previous = r.round;
    await run(r);
  }
  return assembleRounds(o.dir, finishedRounds(o));
}

/**
 * What a campaign does while its level is calibrated on another thread (runRounds): given the pilot's plan (its sites
 * and settings; its level is not the campaign's yet) and the calibration, work the pilot will need, stopping once the
 * calibration has settled.
 */
export type WhileCalibrating = (pilot: CampaignPlan, calibration: Promise<unknown>) => Promise<void>;

/** `o` with the calibrated level, calibrated on a worker thread while `alongside` works on this one. */
async function calibrateAlongside(o: RoundsOptions, alongside: WhileCalibrating): Promise<RoundsOptions> {
  const calibration = calibratedLevelInThread(levelSetting(o));
  const pilot = pilotRound(o, targetCoverage, roundsInterval(o));
  const [c, w] = await Promise.allSettled([calibration, alongside(pilot, calibration)]);
  if (w.status === 'rejected') throw w.reason;
  if (c.status === 'rejected') throw c.reason;
  const warning = fallbackWarning(c.value, o.settings.perLayer);
  if (warning) process.stderr.write(warning + '\n');
  return { ...o, level: c.value.level };
}
