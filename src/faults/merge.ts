import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TgrError } from '../core/errors.js';
import { readPlan } from './plan-file.js';
import { faultsFileName, shardUnits } from './shard.js';
import { forEachLine } from './store.js';

/**
 * Joins the results of `count` shards into faults.jsonl. Shards hold contiguous id ranges in shard order, so the
 * join is a concatenation, byte for byte what one unsharded run writes; every shard must be complete.
 */
export function mergeShards(dir: string, count: number): { file: string; records: number } {
  const plan = readPlan(join(dir, 'plan.json'));
  const file = join(dir, 'faults.jsonl');
  const tmp = `${file}.tmp-${process.pid}`;
  const out = openSync(tmp, 'w');
  let records = 0;
  try {
    for (let index = 0; index < count; index++) {
      const shard = { index, count };
      const path = join(dir, faultsFileName(shard));
      const { first, end } = shardUnits(plan, shard);
      const want = first < end ? plan.units[end - 1]!.end - plan.units[first]!.start : 0;
      let have = 0;
      let bytes = 0;
      if (existsSync(path)) forEachLine(path, (_, end) => void ((have += 1), (bytes = end)));
      if (have !== want || (want > 0 && statSync(path).size !== bytes)) {
        throw new TgrError(
          'bad_file',
          `${path}: shard ${index}/${count} has ${have} of its ${want} records — run 'tgr inject --shard ${index}/${count}' to finish it, then merge`,
        );
      }
      if (want > 0) copyInto(out, path);
      records += want;
    }
    fsyncSync(out);
  } finally {
    closeSync(out);
  }
  renameSync(tmp, file);
  return { file, records };
}

function copyInto(out: number, path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) writeSync(out, buf, 0, n);
  } finally {
    closeSync(fd);
  }
}
