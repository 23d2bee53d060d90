import { parseShard, type Shard } from '../../faults/plan/shard.js';
import type { CliCommand } from '../command.js';
import { numberList, spec } from '../option-parsers.js';
import { campaignOptions, campaignSettings } from './plan.js';

/** `tgr inject RUN`: golden pass, plan and campaign (each reused when present, so a rerun resumes); prints the summary. */
export const inject: CliCommand = {
  name: 'inject',
  summary: 'run a resumable bit-flip campaign: faults.jsonl, then summary.json/.csv (ΔLoss, mismatch, 99% CIs)',
  configure: (cmd) =>
    campaignOptions(cmd)
      .option('--shard <k/n>', 'run slice k of n (0-based); join the slices with tgr merge', spec(parseShard))
      .option('--tau <list>', 'critical-fault thresholds τ of the summary, P(ΔLoss > τ)', numberList(0, '0.1,1,10')),
  async run(args, opts) {
    const { resolveRunTarget, openImages } = await import('../run-target.js');
    const { injectCampaign } = await import('../../faults/campaign.js');
    const { summaryTable } = await import('../summary-table.js');
    const { guardLine } = await import('../../faults/metrics/guard-summary.js');
    const target = resolveRunTarget(args[0]!, opts.out as string | undefined);
    const shard = opts.shard as Shard | undefined;
    const images = await openImages(target, opts as { dataset?: string; split?: string; dataDir?: string });
    try {
      const r = await injectCampaign({
        ...campaignSettings(opts),
        model: target.model,
        images,
        runDir: target.runDir,
        ...(shard ? { shard } : {}),
        ...(Array.isArray(opts.tau) ? { tau: opts.tau as number[] } : {}),
      });
      const p = r.run.paths;
      console.log(
        `${r.run.file}: ${r.run.sites} injections (${r.run.resumed} already done) in ${r.run.seconds.toFixed(1)} s; masked ${p.masked}, analytic ${p.analytic}, suffix ${p.suffix}, plain ${p.plain}`,
      );
      if (r.summary) console.log(summaryTable(r.summary));
      if (r.summary?.guard) console.log(guardLine(r.summary.guard));
    } finally {
      await images.close?.();
    }
  },
};
