import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TgrError } from '../../core/errors.js';
import { readPlan } from '../plan/plan-file.js';
import { scanRecords, unitsPathFor } from './record-units.js';
import { runFolderFiles } from '../../run-folder/file-names.js';

/** How far a campaign's faults.jsonl is, verified against plan.json and its sidecar. */
export interface CampaignProgress {
  complete: boolean;
  done: number;
  planned: number;
  /** Records done and planned per plan layer. */
  layers: { layer: string; done: number; planned: number }[];
  /** Whether the records were checked against unit hashes (false: an older tgr's file, checked by id only). */
  hashed: boolean;
}

/**
 * Verifies a campaign folder's faults.jsonl (plan.json beside it): records of another plan or settings and damaged
 * units are refused, named; otherwise says how much is done, per layer.
 */
export function campaignProgress(dir: string): CampaignProgress {
  const plan = readPlan(join(dir, runFolderFiles.plan));
  const file = join(dir, runFolderFiles.faults);
  const scan = scanRecords(file, plan);
  const planned = plan.layers.map(() => 0);
  for (const li of plan.sites.layer) planned[li]!++;
  if (scan.sidecarDamage !== undefined) {
    throw new TgrError(
      'bad_file',
      `${unitsPathFor(file)}: line ${scan.sidecarDamage} is damaged, so records from unit ${scan.units} on are unverified — run 'tgr inject' on this campaign again to redo them`,
      { file },
    );
  }
  return {
    complete: scan.records === plan.sites.layer.length && scan.tail === 0,
    done: scan.records,
    planned: plan.sites.layer.length,
    layers: plan.layers.map((l, i) => ({ layer: l.name, done: scan.perLayer[i]!, planned: planned[i]! })),
    hashed: scan.sidecar,
  };
}

/** Refuses an unfinished campaign before `doing` (e.g. 'summarising'), saying n done / n planned per layer. */
export function requireFinished(dir: string, doing: string): CampaignProgress {
  const p = campaignProgress(dir);
  if (!p.complete) {
    const file = join(dir, runFolderFiles.faults);
    const layers = p.layers.map((l) => `${l.layer} ${l.done}/${l.planned}`).join(', ');
    const shards = existsSync(file) ? '' : ' (sharded: run the shards, then tgr merge)';
    throw new TgrError(
      'bad_file',
      `${dir}: unfinished campaign, ${p.done} of ${p.planned} records verified (${layers}) — run 'tgr inject' on it again to finish it${shards} before ${doing}`,
      { dir },
    );
  }
  return p;
}

/**
 * The check analysis makes before reading a campaign folder (compare, report): with a plan.json and records (or shard
 * files), the records must be finished and verified. Folders without a plan (hand-made) or without records pass.
 */
export function checkCampaignRecords(dir: string): void {
  if (!existsSync(join(dir, runFolderFiles.plan))) return;
  const shards = readdirSync(dir).some((f) => /^faults\.\d+-of-\d+\.jsonl$/.test(f));
  if (existsSync(join(dir, runFolderFiles.faults)) || shards) requireFinished(dir, 'comparing or reporting it');
}
