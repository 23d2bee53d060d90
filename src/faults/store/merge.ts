import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { check, TgrError } from '../../core/errors.js';
import { lockFile, lockPathFor, removeStaleTemps } from '../../core/folder-lock.js';
import { readPlan } from '../plan/plan-file.js';
import { fingerprintLine, planFingerprint, scanRecords, unitsPathFor } from './record-units.js';
import { faultsFileName, shardUnits, type Shard } from '../plan/shard.js';
import type { CampaignPlan } from '../plan/plan.js';

/**
 * Joins the results of `count` shards into faults.jsonl (and its sidecar). Shards hold contiguous id ranges in shard
 * order, so the join is a concatenation, byte for byte what one unsharded run writes. Every shard must be complete and
 * verified (its sidecar's fingerprint is this plan's, every unit's hash matches) before anything is written; the join
 * goes to temp files, is verified again, and only then renamed over an existing result.
 */
export function mergeShards(dir: string, count: number): { file: string; records: number } {
  check(
    Number.isInteger(count) && count >= 1,
    'bad_argument',
    () => `--shards expects N of 'tgr inject --shard k/N', a whole number ≥ 1; got ${count} — nothing was changed`,
  );
  const plan = readPlan(join(dir, 'plan.json'));
  const file = join(dir, 'faults.jsonl');
  const shards: Shard[] = Array.from({ length: count }, (_, index) => ({ index, count }));
  const paths = shards.map((s) => join(dir, faultsFileName(s)));
  const locks = [file, ...(count > 1 ? paths : [])].map((p) => lockFile(lockPathFor(p)));
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    removeStaleTemps(dir);
    shards.forEach((s, i) => requireComplete(dir, paths[i]!, plan, s));
    if (count === 1) return { file, records: plan.sites.layer.length }; // faults.jsonl is the one shard: nothing to join
    joinFiles(tmp, paths);
    joinFiles(
      unitsPathFor(tmp),
      [],
      fingerprintLine(planFingerprint(plan)) +
        shards.map((s, i) => scanRecords(paths[i]!, plan, s).entries.join('')).join(''),
    );
    const joined = scanRecords(tmp, plan);
    check(
      joined.records === plan.sites.layer.length && joined.tail === 0,
      'bad_file',
      () =>
        `${tmp}: the joined shards verify to ${joined.records} of ${plan.sites.layer.length} records — the shard files changed during the merge; run 'tgr merge' again`,
    );
    renameSync(unitsPathFor(tmp), unitsPathFor(file));
    renameSync(tmp, file);
    return { file, records: joined.records };
  } finally {
    rmSync(tmp, { force: true });
    rmSync(unitsPathFor(tmp), { force: true });
    for (const l of locks) l.release();
  }
}

/** Refuses a shard that is missing, of another plan or settings, damaged, unfinished, or without its sidecar. */
function requireComplete(dir: string, path: string, plan: CampaignPlan, shard: Shard): void {
  const { index, count } = shard;
  const redo = `run 'tgr inject --shard ${index}/${count}'`;
  if (!existsSync(path)) {
    const others = readdirSync(dir).filter(
      (f) => /^faults\.\d+-of-\d+\.jsonl$/.test(f) && !f.endsWith(`-of-${count}.jsonl`),
    );
    throw new TgrError(
      'bad_file',
      `${path}: no such file — ${others.length > 0 ? `this folder holds ${others.sort().join(', ')}; pass the N they were made with, or ` : ''}${redo} to make it, then merge`,
    );
  }
  const scan = scanRecords(path, plan, shard);
  const { first, end } = shardUnits(plan, shard);
  const want = first < end ? plan.units[end - 1]!.end - plan.units[first]!.start : 0;
  if (!scan.sidecar) {
    throw new TgrError(
      'bad_file',
      `${path}: no ${unitsPathFor(path)} to verify it by (copy it along with the shard, or ${redo} once to rebuild it), then merge`,
    );
  }
  if (scan.records !== want || scan.tail !== 0 || scan.sidecarDamage !== undefined) {
    throw new TgrError(
      'bad_file',
      `${path}: shard ${index}/${count} has ${scan.records} of its ${want} records verified — ${redo} to finish it, then merge`,
    );
  }
}

/** Writes `paths` one after another (then `text`) into `out`, fsynced. */
function joinFiles(out: string, paths: string[], text = ''): void {
  const fd = openSync(out, 'w');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (const path of paths) {
      const src = openSync(path, 'r');
      try {
        for (let n = readSync(src, buf); n > 0; n = readSync(src, buf)) writeSync(fd, buf, 0, n);
      } finally {
        closeSync(src);
      }
    }
    if (text) writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
