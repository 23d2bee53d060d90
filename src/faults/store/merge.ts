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
import { fingerprintLine, planFingerprint, scanRecords, unitLine, unitsPathFor } from './record-units.js';
import { faultsFileName, shardUnits, type Shard } from '../plan/shard.js';
import type { CampaignPlan } from '../plan/plan.js';
import { runFolderFiles } from '../../run-folder/file-names.js';

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
  const plan = readPlan(join(dir, runFolderFiles.plan));
  const file = join(dir, runFolderFiles.faults);
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
        joinedEntries(
          tmp,
          shards.flatMap((s, i) => scanRecords(paths[i]!, plan, s).entries),
        ),
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
  const want = shardUnits(plan, shard).units.reduce((s, u) => s + u.end - u.start, 0);
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

/**
 * The sidecar lines of the joined file: a unit two shards split between them (shards split inside units to get equal
 * work) has one entry per shard; those become the single entry one unsharded run writes, hashed over the joined bytes.
 */
function joinedEntries(joined: string, lines: string[]): string {
  const entries = lines.map((l) => JSON.parse(l) as { unit: number; start: number; end: number; bytes: number });
  const fd = openSync(joined, 'r');
  try {
    let out = '';
    let offset = 0;
    for (let i = 0; i < entries.length;) {
      let j = i + 1;
      while (j < entries.length && entries[j]!.unit === entries[i]!.unit) j++;
      const bytes = entries.slice(i, j).reduce((s, e) => s + e.bytes, 0);
      if (j === i + 1) out += lines[i]!;
      else {
        const buf = Buffer.alloc(bytes);
        readSync(fd, buf, 0, bytes, offset);
        out += unitLine(entries[i]!.unit, entries[i]!.start, entries[j - 1]!.end, buf.toString('utf8'));
      }
      offset += bytes;
      i = j;
    }
    return out;
  } finally {
    closeSync(fd);
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
