import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planCampaign } from '../../../src/faults/plan/plan.js';
import { writePlan } from '../../../src/faults/plan/plan-file.js';
import { runCampaign } from '../../../src/faults/run/runner.js';
import { mergeShards } from '../../../src/faults/store/merge.js';
import { summarize } from '../../../src/faults/metrics/summarize.js';
import { Rng } from '../../../src/core/rng.js';
import { TgrError } from '../../../src/core/errors.js';
import { residualNet } from '../nets.js';
import { fixture, tempDir } from '../fixtures.js';

const child = fileURLToPath(new URL('../campaign-child.ts', import.meta.url));
// The child builds the same fixture: keep these in step with campaign-child.ts.
const fx = fixture(residualNet({ size: 16, width: 8 }), 24);

async function planned(label: string): Promise<string> {
  const { classifier, golden } = await fx;
  const dir = tempDir(label);
  writePlan(join(dir, 'plan.json'), planCampaign({ classifier, golden, perLayer: 2400, batchSize: 8, unitSites: 1 }));
  return dir;
}

/** Runs the campaign uninterrupted in this process (one ORT thread, as the children use). */
async function reference(): Promise<{ dir: string; bytes: Buffer }> {
  const dir = await planned('ref');
  const { readPlan } = await import('../../../src/faults/plan/plan-file.js');
  await runCampaign({ ...(await fx), plan: readPlan(join(dir, 'plan.json')), dir, quiet: true, threads: 1 });
  return { dir, bytes: readFileSync(join(dir, 'faults.jsonl')) };
}
const ref = reference();

/** Size of a file, 0 when absent. */
const sizeOf = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

/**
 * Spawns the child; with `killAfterMs`, kills it with SIGKILL that long after it has appended to faults.jsonl
 * (so every kill lands after real progress and before the end, whatever the machine's load).
 */
function runChild(dir: string, killAfterMs?: number): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const file = join(dir, 'faults.jsonl');
    const before = sizeOf(file);
    let finished = false;
    let poll: NodeJS.Timeout | undefined;
    if (killAfterMs !== undefined) {
      poll = setInterval(() => {
        if (sizeOf(file) > before) {
          clearInterval(poll);
          setTimeout(() => c.kill('SIGKILL'), killAfterMs);
        }
      }, 2);
    }
    c.stdout.on('data', (d: Buffer) => {
      if (String(d).includes('done')) finished = true;
    });
    c.on('error', reject);
    c.on('exit', (code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && finished) resolve('done');
      else reject(new Error(`child exited ${code}`));
    });
  });
}

test('killed with SIGKILL at 10 random points and resumed, the results are byte-identical to an uninterrupted run', async () => {
  const dir = await planned('killed');
  const rng = new Rng('kill-points');
  // Each run is killed a random 0–20 ms after its first new record: mid-unit or between units, never at the end.
  for (let i = 0; i < 10; i++) assert.equal(await runChild(dir, rng.int(21)), 'killed');
  const partial = readFileSync(join(dir, 'faults.jsonl'));
  assert.ok(partial.length > 0 && partial.length < (await ref).bytes.length, 'the kills left a partial file');
  assert.equal(await runChild(dir), 'done');
  assert.ok(readFileSync(join(dir, 'faults.jsonl')).equals((await ref).bytes));
});

test('--shard k/n runs merged with tgr merge equal one run byte for byte; the summary is the same', async () => {
  const dir = await planned('shards');
  const { readPlan } = await import('../../../src/faults/plan/plan-file.js');
  const plan = readPlan(join(dir, 'plan.json'));
  for (const index of [2, 0])
    await runCampaign({ ...(await fx), plan, dir, quiet: true, threads: 1, shard: { index, count: 3 } });
  assert.throws(
    () => mergeShards(dir, 3),
    (e: unknown) =>
      e instanceof TgrError &&
      /faults\.1-of-3\.jsonl: no such file — run 'tgr inject --shard 1\/3' to make it, then merge$/.test(e.message),
  );
  await runCampaign({ ...(await fx), plan, dir, quiet: true, threads: 1, shard: { index: 1, count: 3 } });
  const merged = mergeShards(dir, 3);
  assert.equal(merged.records, plan.sites.layer.length);
  const { dir: refDir, bytes } = await ref;
  assert.ok(readFileSync(merged.file).equals(bytes));
  // Shards split inside units; the merge joins a split unit's two sidecar entries into the one a single run writes.
  assert.equal(readFileSync(`${merged.file}.units`, 'utf8'), readFileSync(join(refDir, 'faults.jsonl.units'), 'utf8'));
  assert.deepEqual(summarize(dir), summarize(refDir));
  assert.ok(readFileSync(join(dir, 'summary.csv'), 'utf8').startsWith('layer,neurons,n,mismatchRate,'));
});
