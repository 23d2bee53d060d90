import { parseShard, type Shard } from '../../faults/plan/shard.js';
import { check } from '../../core/errors.js';
import type { CliCommand } from '../command.js';
import { count, numberList, spec } from '../option-parsers.js';
import { campaignOptions, campaignSettings } from './plan.js';
import { injectJobsJson, injectJson, printResult, stdoutToStderr } from '../json-output.js';

/**
 * `tgr inject RUN`: golden pass, plan and campaign (each reused when present, so a rerun resumes); prints the summary.
 */
export const inject: CliCommand = {
  name: 'inject',
  summary: 'run a resumable bit-flip campaign: faults.jsonl, then summary.json/.csv (ΔLoss, mismatch, 99% CIs)',
  configure: (cmd) =>
    campaignOptions(cmd)
      .option('--shard <k/n>', 'run slice k of n (0-based); join the slices with tgr merge', spec(parseShard))
      .option('--jobs <n>', 'run n shards at once as child processes (threads: cores/n) and merge them', count(64))
      .option('--tau <list>', 'critical-fault thresholds τ of the summary, P(ΔLoss > τ)', numberList(0, '0.1,1,10')),
  async run(args, opts, argv) {
    const { resolveRunTarget, openImages } = await import('../run-target.js');
    const { injectCampaign } = await import('../../faults/campaign.js');
    const { summaryTable } = await import('../summary-table.js');
    const { guardLine } = await import('../../faults/metrics/guard-summary.js');
    const target = resolveRunTarget(args[0]!, opts.out as string | undefined);
    const shard = opts.shard as Shard | undefined;
    const images = await openImages(target, opts as { dataset?: string; split?: string; dataDir?: string });
    try {
      if (((opts.jobs as number | undefined) ?? 1) > 1) return await injectJobs(target, images, opts, argv);
      const work = () =>
        injectCampaign({
          ...campaignSettings(opts),
          model: target.model,
          images,
          runDir: target.runDir,
          ...(shard ? { shard } : {}),
          ...(Array.isArray(opts.tau) ? { tau: opts.tau as number[] } : {}),
        });
      await printResult(opts.json, work, {
        text: (r) => {
          const p = r.run.paths;
          return [
            `${r.run.file}: ${r.run.sites} injections (${r.run.resumed} already done) in ${r.run.seconds.toFixed(1)} s; masked ${p.masked}, analytic ${p.analytic}, suffix ${p.suffix}, plain ${p.plain}`,
            ...(r.summary ? [summaryTable(r.summary)] : []),
            ...(r.summary?.guard ? [guardLine(r.summary.guard)] : []),
          ].join('\n');
        },
        json: (r) => injectJson(target.runDir, r, shard),
      });
    } finally {
      await images.close?.();
    }
  },
};

/** --jobs N: golden pass and plan here (so the children only read them), N shards at once, then the merge. */
async function injectJobs(
  target: { model: string; runDir: string },
  images: import('../../faults/run/images.js').ImageSet,
  opts: Record<string, unknown>,
  argv: readonly string[],
): Promise<void> {
  const { prepareGolden, preparePlan } = await import('../../faults/campaign.js');
  const { runShardJobs, threadsPerJob } = await import('../../faults/jobs.js');
  const { mergeShards } = await import('../../faults/store/merge.js');
  const { summarize } = await import('../../faults/metrics/summarize.js');
  const { summaryTable } = await import('../summary-table.js');
  check(!opts.shard, 'bad_argument', () => '--jobs runs every shard itself; drop --shard (or --jobs) and run again');
  const jobs = opts.jobs as number;
  const o = { ...campaignSettings(opts), model: target.model, images, runDir: target.runDir };
  await printResult(
    opts.json,
    async () => {
      const { classifier, golden } = await prepareGolden(o);
      // The children print text (their --json is dropped): under --json their relayed lines go to stderr.
      const children = argv.filter((a) => a !== '--json');
      const run = () => runShardJobs(children, jobs, threadsPerJob(jobs, opts.threads as number | undefined));
      const t0 = Date.now();
      let dir: string;
      let m: { file: string; records: number };
      if (o.halfwidth !== undefined) {
        // Each round as N shards (the children run the latest round the rounds planned here), merged before the next;
        // a small round runs here.
        const { runsInProcess, roundsOptions, RoundRunner, warnUnreached } =
          await import('../../faults/plan/precision.js');
        const { runRounds } = await import('../../faults/plan/rounds.js');
        const r = roundsOptions(o, classifier, golden);
        const here = new RoundRunner(o, classifier, golden, r);
        const plan = await runRounds(
          r,
          async (round) => {
            if (runsInProcess(round.plan)) return void (await here.run(round));
            await (opts.json ? stdoutToStderr(run) : run());
            mergeShards(round.dir, jobs);
          },
          async (pilot, calibration) => (runsInProcess(pilot) ? here.whileCalibrating(pilot, calibration) : undefined),
        ).finally(() => here.release());
        dir = r.dir;
        m = { file: `${dir}/faults.jsonl`, records: plan.sites.layer.length };
        warnUnreached(r);
      } else {
        dir = (await preparePlan(o, classifier, golden)).dir;
        await (opts.json ? stdoutToStderr(run) : run());
        m = mergeShards(dir, jobs);
      }
      const seconds = (Date.now() - t0) / 1000;
      return { dir, m, seconds, summary: summarize(dir, Array.isArray(opts.tau) ? { tau: opts.tau as number[] } : {}) };
    },
    {
      text: ({ m, seconds, summary }) =>
        `${m.file}: ${m.records} injections from ${jobs} jobs in ${seconds.toFixed(1)} s\n${summaryTable(summary)}`,
      json: ({ dir, m, seconds, summary }) => injectJobsJson(target.runDir, dir, m, jobs, seconds, summary),
    },
  );
}
