import { check } from '../../core/errors.js';
import type { CampaignPlan } from './plan.js';

/** One slice of a campaign: shard `index` (0-based, as Slurm array and Kubernetes completion indices are) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `--shard k/n` (0 ≤ k < n). */
export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  check(
    m && count >= 1 && index < count,
    'bad_argument',
    () =>
      `--shard expects k/n with 0 ≤ k < n (e.g. 0/4 … 3/4, as $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT); got '${spec}'`,
  );
  return { index, count };
}

/**
 * The units a shard runs: a contiguous range, split where the site ids cross k·total/n, so shards are about equally
 * long and, joined in shard order, list the records in id order — the order one unsharded run writes them in.
 */
export function shardUnits(plan: CampaignPlan, shard?: Shard): { first: number; end: number } {
  if (!shard || shard.count === 1) return { first: 0, end: plan.units.length };
  const total = plan.sites.layer.length;
  const owner = (u: number) => Math.min(shard.count - 1, Math.floor((plan.units[u]!.start * shard.count) / total));
  let first = 0;
  while (first < plan.units.length && owner(first) < shard.index) first++;
  let end = first;
  while (end < plan.units.length && owner(end) === shard.index) end++;
  return { first, end };
}

/** The results file of a shard (or of the whole campaign). */
export function faultsFileName(shard?: Shard): string {
  return shard && shard.count > 1 ? `faults.${shard.index}-of-${shard.count}.jsonl` : 'faults.jsonl';
}
