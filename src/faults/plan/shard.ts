import { runFolderFiles } from '../../run-folder/file-names.js';
import { check } from '../../core/errors.js';
import type { CampaignPlan, PlanUnit } from './plan.js';

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
 * The units a shard runs, as `plan.units[first..end)` with the first and last clipped to the shard's sites: shards
 * are equal to within one suffix batch (a split at unit boundaries left a 10,240-site campaign at 7,580 + 2,660).
 * Splits fall only where one unsharded run starts a batch, so every batch, and each unit's golden pass over all its
 * images, is the one a single process runs: merged shards are byte-identical to it. Joined in shard order the
 * shards list the records in id order.
 */
export function shardUnits(plan: CampaignPlan, shard?: Shard): { first: number; end: number; units: PlanUnit[] } {
  if (!shard || shard.count === 1) return { first: 0, end: plan.units.length, units: plan.units };
  const lo = splitAt(plan, shard.index, shard.count);
  const hi = splitAt(plan, shard.index + 1, shard.count);
  const units: PlanUnit[] = [];
  let first = plan.units.length;
  for (const [u, unit] of plan.units.entries()) {
    const start = Math.max(unit.start, lo);
    const end = Math.min(unit.end, hi);
    if (start >= end) continue;
    first = Math.min(first, u);
    units.push(start === unit.start && end === unit.end ? unit : { ...unit, start, end });
  }
  return { first, end: first + units.length, units };
}

/** The site id where shard k of n starts: the batch start nearest k·sites/n (0 and sites at the ends). */
function splitAt(plan: CampaignPlan, k: number, n: number): number {
  const total = plan.sites.layer.length;
  if (k <= 0) return 0;
  if (k >= n) return total;
  const target = (k * total) / n;
  let best = 0;
  for (const s of batchStarts(plan)) {
    if (Math.abs(s - target) < Math.abs(best - target)) best = s;
    if (s > target) break;
  }
  return best;
}

/** Where one unsharded run starts each suffix batch: per unit, runs of one layer cut every `batchSize` sites. */
function* batchStarts(plan: CampaignPlan): Generator<number> {
  const layer = plan.sites.layer;
  for (const unit of plan.units) {
    for (let s = unit.start; s < unit.end;) {
      yield s;
      let e = s;
      while (e < unit.end && layer[e] === layer[s] && e - s < plan.batchSize) e++;
      s = e;
    }
  }
}

/** The results file of a shard (or of the whole campaign). */
export function faultsFileName(shard?: Shard): string {
  return shard && shard.count > 1 ? `faults.${shard.index}-of-${shard.count}.jsonl` : runFolderFiles.faults;
}
