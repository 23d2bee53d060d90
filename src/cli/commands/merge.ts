import type { CliCommand } from '../command.js';
import { count, name, numberList, path } from '../option-parsers.js';
import { jsonHelp, mergeJson, printResult } from '../json-output.js';

/** `tgr merge RUN --shards N`: joins the shards' faults files into faults.jsonl and writes the summary. */
export const merge: CliCommand = {
  name: 'merge',
  summary: 'join the results of tgr inject --shard k/N runs into faults.jsonl (the bytes one run writes) and summarise',
  configure: (cmd) =>
    cmd
      .argument('<run>', 'runs/NAME (or the folder holding campaign/)', path())
      .requiredOption('--shards <n>', 'the N of --shard k/N', count(10_000))
      .option('--name <name>', 'campaign folder under campaign/', name(), 'fp32')
      .option('--tau <list>', 'critical-fault thresholds τ of the summary, P(ΔLoss > τ)', numberList(0, '0.1,1,10'))
      .option('--json', jsonHelp),
  async run(args, opts) {
    const { campaignDir } = await import('../../faults/campaign.js');
    const { mergeShards } = await import('../../faults/store/merge.js');
    const { summarize } = await import('../../faults/metrics/summarize.js');
    const { summaryTable } = await import('../summary-table.js');
    const dir = campaignDir(args[0]!, opts.name as string);
    const shards = opts.shards as number;
    await printResult(
      opts.json,
      async () => {
        const m = mergeShards(dir, shards);
        return { m, summary: summarize(dir, Array.isArray(opts.tau) ? { tau: opts.tau as number[] } : {}) };
      },
      {
        text: ({ m, summary }) => `${m.file}: ${m.records} records from ${shards} shards\n${summaryTable(summary)}`,
        json: ({ m, summary }) => mergeJson(args[0]!, dir, m, shards, summary),
      },
    );
  },
};
