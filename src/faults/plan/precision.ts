import { join } from 'node:path';
import type { Classifier } from '../model/classifier.js';
import { planSettings, type CampaignOptions } from '../campaign-options.js';
import type { CampaignSummary, GoldenRun } from '../store/records.js';
import { readGoldenActivations } from '../run/golden.js';
import { SharedSessions } from '../run/shared-sessions.js';
import type { GoldenActivations } from '../run/unit-cache.js';
import { runCampaign, type RunResult } from '../run/runner.js';
import { summarize } from '../metrics/summarize.js';
import { checkPlainName } from '../../core/errors.js';
import { runFolderFiles } from '../../run-folder/file-names.js';
import type { Shard } from './shard.js';
import {
  checkRoundsOptions,
  defaultMaxRounds,
  defaultPilot,
  firstRoundPlan,
  latestRound,
  nextRound,
  RoundsRead,
  runRounds,
  unreached,
  type RoundsOptions,
} from './rounds.js';
import type { Round } from './assemble-rounds.js';
import type { CampaignPlan } from './plan.js';

/*
 * `tgr plan|inject --halfwidth W` on top of rounds.ts: the rounds' settings from the campaign's options, each round
 * run by the runner in its own folder, the joined campaign summarised. `tgr inject --jobs N` runs each round as N
 * shards instead (cli/commands/inject.ts), its children landing in `injectToPrecision` with a shard: they run their
 * slice of the latest round, which the parent planned.
 */

/** The rounds' settings of a campaign, checked (one-line errors naming the flag). */
export function roundsOptions(o: CampaignOptions, classifier: Classifier, golden: GoldenRun): RoundsOptions {
  const r: RoundsOptions = {
    settings: planSettings(o, classifier, golden),
    halfwidth: o.halfwidth!,
    pilot: o.pilot ?? defaultPilot,
    maxRounds: o.maxRounds ?? defaultMaxRounds,
    dir: join(o.runDir, 'campaign', checkPlainName(o.name ?? o.format ?? 'fp32', 'campaign name (--name)')),
    // Without one, round 0's planning calibrates the level (rounds.ts sequentialLevel).
    ...(o.level !== undefined ? { level: o.level } : {}),
    read: new RoundsRead(),
  };
  checkRoundsOptions(r);
  return r;
}

/**
 * Rounds of at most this many sites run in the planning process under `--jobs` instead of as shards: starting N child
 * processes costs more than such a round takes (bench/RESULTS.md, "Time to the paper's statistics").
 */
export const inProcessSites = 4096;

/** Whether `--jobs` runs this round's plan in the planning process (inProcessSites) rather than as shards. */
export function runsInProcess(plan: CampaignPlan): boolean {
  return plan.sites.layer.length <= inProcessSites;
}

/**
 * Runs a campaign's rounds (or shards of them) in their folders with the campaign's images and threads, every round
 * on one set of sessions and kept activations (SharedSessions), made at the first round run and freed by `release`.
 */
export class RoundRunner {
  private shared: SharedSessions | undefined;
  private made = false;
  private readonly activations: GoldenActivations;

  constructor(
    private readonly o: CampaignOptions,
    private readonly classifier: Classifier,
    private readonly golden: GoldenRun,
    private readonly rounds: RoundsOptions,
    private readonly keepBytes?: number,
  ) {
    this.activations = readGoldenActivations(join(o.runDir, runFolderFiles.golden), golden);
  }

  /**
   * While the campaign's level is calibrated on another thread (runRounds' `alongside`): makes the shared sessions
   * for the pilot and forwards the golden rows its units need, in their order, until the calibration settles.
   */
  async whileCalibrating(pilot: CampaignPlan, calibration: Promise<unknown>): Promise<void> {
    let settled = false;
    const done = () => void (settled = true);
    calibration.then(done, done);
    await this.share(pilot)?.warm(this.o.images, pilot, () => settled);
  }

  /** Runs `round` (or its `shard`). */
  async run(round: Round, shard?: Shard): Promise<RunResult> {
    if (!this.made) this.share(firstRoundPlan(this.rounds));
    return runCampaign({
      classifier: this.classifier,
      golden: this.golden,
      plan: round.plan,
      images: this.o.images,
      dir: round.dir,
      shard,
      threads: this.o.threads,
      quiet: this.o.quiet,
      activations: this.activations,
      shared: this.shared,
    });
  }

  /** Makes the sessions the rounds share from the plan of the first round, which holds every layer. */
  private share(whole: CampaignPlan): SharedSessions | undefined {
    this.made = true;
    this.shared = SharedSessions.create(this.classifier, this.golden, whole, {
      threads: this.o.threads,
      activations: this.activations,
      ...(this.keepBytes !== undefined ? { keepBytes: this.keepBytes } : {}),
    });
    return this.shared;
  }

  /** Frees the shared sessions. */
  async release(): Promise<void> {
    await this.shared?.release();
    this.shared = undefined;
    this.made = false;
  }
}

/** Runs one round (or a shard of it) in its folder with the campaign's images and threads. */
export async function runRound(
  o: CampaignOptions,
  classifier: Classifier,
  golden: GoldenRun,
  round: Round,
  shard?: Shard,
): Promise<RunResult> {
  const runner = new RoundRunner(o, classifier, golden, roundsOptions(o, classifier, golden));
  try {
    return await runner.run(round, shard);
  } finally {
    await runner.release();
  }
}

/**
 * The whole precision-targeted campaign in this process (every round, resumed where it stopped, then joined and
 * summarised), or with `o.shard` the shard's slice of the latest round only.
 */
export async function injectToPrecision(
  o: CampaignOptions,
  classifier: Classifier,
  golden: GoldenRun,
): Promise<{ dir: string; run: RunResult; summary?: CampaignSummary; rounds: number }> {
  const r = roundsOptions(o, classifier, golden);
  if (o.shard && o.shard.count > 1) {
    const round = latestRound(r);
    return { dir: round.dir, run: await runRound(o, classifier, golden, round, o.shard), rounds: round.round + 1 };
  }
  const runner = new RoundRunner(o, classifier, golden, r);
  const run: RunResult = {
    file: join(r.dir, runFolderFiles.faults),
    sites: 0,
    resumed: 0,
    paths: { masked: 0, analytic: 0, suffix: 0, plain: 0 },
    seconds: 0,
  };
  let rounds = 0;
  const plan = await runRounds(
    r,
    async (round) => {
      const one = await runner.run(round);
      run.sites += one.sites;
      run.resumed += one.resumed;
      run.seconds += one.seconds;
      for (const k of Object.keys(run.paths) as (keyof RunResult['paths'])[]) run.paths[k] += one.paths[k];
      rounds = round.round + 1;
    },
    (pilot, calibration) => runner.whileCalibrating(pilot, calibration),
  ).finally(() => runner.release());
  if (rounds === 0) run.resumed = run.sites = plan.sites.layer.length;
  warnUnreached(r);
  return { dir: r.dir, run, summary: summarize(r.dir, o.tau ? { tau: o.tau } : {}), rounds };
}

/** Says on stderr which layers the cap or the rounds stopped short of the target, so a wide one is not a surprise. */
export function warnUnreached(r: RoundsOptions): void {
  const short = unreached(r);
  if (short.length === 0) return;
  process.stderr.write(
    `${r.dir}: ${short.length} layer(s) still wider than ±${r.halfwidth} (--per-layer ${r.settings.perLayer} or --max-rounds ${r.maxRounds} reached): ${short.map((s) => `${s.layer} ±${s.halfwidth.toFixed(4)}`).join(', ')} — raise those to go on\n`,
  );
}

/**
 * `tgr plan --halfwidth`: runs (or resumes) the pilot round and plans the first top-up; returns the rounds planned
 * (the pilot, and the top-up unless every layer already reached the target).
 */
export async function planToPrecision(
  o: CampaignOptions,
  classifier: Classifier,
  golden: GoldenRun,
): Promise<{ options: RoundsOptions; rounds: Round[] }> {
  const r = roundsOptions(o, classifier, golden);
  const rounds: Round[] = [];
  let round = nextRound(r);
  if (round?.round === 0) {
    await runRound(o, classifier, golden, round);
    rounds.push(round);
    round = nextRound(r);
  }
  if (round) rounds.push(round);
  return { options: r, rounds };
}
