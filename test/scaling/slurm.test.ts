import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '../../src/onnx/proto-io.js';
import { residualNet } from '../faults/nets.js';
import { readPlan } from '../../src/faults/plan/plan-file.js';
import { shardUnits } from '../../src/faults/plan/shard.js';

/*
 * docs/scaling.md's Slurm recipe, run for real on a one-node cluster (scripts/slurm-local.sh): the job-array script
 * and the merge script the doc shows are the files submitted here. One array task is killed mid-run and requeued as
 * the doc says; the merged campaign must equal a single-process campaign of the same plan byte for byte.
 * Skipped (with the reason) only when the cluster cannot start; TGR_REQUIRE_SLURM=1 (set by .ci/run) fails instead.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const slurmDir = mkdtempSync(join(tmpdir(), 'tgr-slurm-'));
const env = { ...process.env, TGR_SLURM_DIR: slurmDir, SLURM_CONF: join(slurmDir, 'slurm.conf'), TGR_FROM_SOURCE: '1' };
const tgr = `${process.execPath} ${join(root, 'bin', 'tgr.js')}`;
const shards = 4;
const settings = '--per-layer 2000 --format fp32 --seed 0';

function run(cmd: string, args: string[], opts: { cwd?: string; extraEnv?: Record<string, string> } = {}): string {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...env, ...opts.extraEnv },
    cwd: opts.cwd,
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A Slurm job's fields, from `scontrol show job` (empty when Slurm no longer knows it). */
function job(id: string): Record<string, string> {
  const r = spawnSync('scontrol', ['-o', 'show', 'job', id], { encoding: 'utf8', env });
  if (r.status !== 0) return {};
  return Object.fromEntries(
    r.stdout
      .trim()
      .split(/\s+/)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

async function until<T>(what: string, seconds: number, probe: () => T | undefined | false): Promise<T> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0);

test('the docs/scaling.md job array on a real one-node Slurm cluster: a task killed and requeued, then merged, equals one process byte for byte', async (t) => {
  const start = spawnSync('bash', [join(root, 'scripts', 'slurm-local.sh'), 'start'], { encoding: 'utf8', env });
  if (start.status !== 0) {
    const why = start.stderr.trim() || `exit ${start.status}`;
    if (process.env.TGR_REQUIRE_SLURM === '1') assert.fail(`Slurm is required here but did not start: ${why}`);
    t.skip(`no Slurm cluster: ${why}`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'tgr-slurm-run-'));
  t.after(() => {
    spawnSync('bash', [join(root, 'scripts', 'slurm-local.sh'), 'stop'], { env });
    rmSync(work, { recursive: true, force: true });
    rmSync(slurmDir, { recursive: true, force: true });
  });
  const t0 = Date.now();
  const mark = (what: string) => t.diagnostic(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
  const runDir = join(work, 'run');
  run('mkdir', ['-p', runDir]);
  saveModel(residualNet({ channels: 1, size: 16, classes: 4, width: 48 }), join(runDir, 'model.onnx'));
  writeFileSync(join(runDir, 'meta.json'), JSON.stringify({ dataset: 'synthetic' }));

  // Once: golden pass and plan; then the reference campaign in one process with the shards' thread count.
  run(process.execPath, [join(root, 'bin', 'tgr.js'), 'plan', runDir, ...settings.split(' '), '--quiet']);
  run(process.execPath, [
    join(root, 'bin', 'tgr.js'),
    'inject',
    runDir,
    ...settings.split(' '),
    '--name',
    'single',
    '--threads',
    '1',
    '--quiet',
  ]);

  mark('planned, reference done');
  const jobEnv = { TGR_RUN: runDir, TGR: tgr, TGR_ARGS: settings };
  const exportAll = `--export=ALL,${Object.entries(jobEnv)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;
  const array = run(
    'sbatch',
    [
      '--parsable',
      `--array=0-${shards - 1}`,
      '--cpus-per-task=1',
      '--mem=1G',
      `--chdir=${work}`,
      exportAll,
      join(root, 'examples', 'slurm', 'inject.sbatch'),
    ],
    { cwd: work },
  );

  // Kill a task while it is writing its shard (after its first unit, before its last); try the next task if a kill
  // lands after the task already finished, or after it wrote its last record (it was still exiting).
  const plan = readPlan(join(runDir, 'campaign', 'fp32', 'plan.json'));
  const sitesOf = (k: number) =>
    shardUnits(plan, { index: k, count: shards }).units.reduce((n, u) => n + u.end - u.start, 0);
  let killed: { task: string; before: number } | null = null;
  for (let k = 0; k < shards && !killed; k++) {
    const task = `${array}_${k}`;
    const file = join(runDir, 'campaign', 'fp32', `faults.${k}-of-${shards}.jsonl`);
    await until(`task ${task} to write its first records`, 120, () => {
      const s = job(task).JobState;
      return (s === 'RUNNING' && lines(file) > 0) || (s !== undefined && s !== 'PENDING' && s !== 'RUNNING');
    });
    if (job(task).JobState !== 'RUNNING') continue;
    const kill = spawnSync('scancel', ['--signal=KILL', task], { encoding: 'utf8', env });
    // The task may end between the check above and the kill (seen under load): Slurm then no longer knows its id, and
    // the next task is tried, as when the kill lands after it finished.
    if (kill.status !== 0) {
      assert.notEqual(job(task).JobState, 'RUNNING', `scancel ${task} failed while it ran: ${kill.stderr}`);
      continue;
    }
    const end = await until(`task ${task} to end`, 60, () => {
      const s = job(task).JobState;
      return s !== 'RUNNING' && s !== 'COMPLETING' && s;
    });
    if (end === 'COMPLETED') continue;
    const before = lines(file);
    // The doc's recovery: requeue the task (Slurm holds a requeued job back; release it now).
    run('scontrol', ['requeue', task]);
    run('scontrol', ['update', `JobId=${task}`, 'StartTime=now']);
    if (before < sitesOf(k)) killed = { task, before };
  }
  mark(`killed and requeued ${killed?.task}`);
  assert.ok(killed, 'no array task could be killed while running');

  const submitMerge = (dependency: string[]) =>
    run(
      'sbatch',
      [
        '--parsable',
        ...dependency,
        `--chdir=${work}`,
        `${exportAll},TGR_SHARDS=${shards}`,
        join(root, 'examples', 'slurm', 'merge.sbatch'),
      ],
      { cwd: work },
    );
  const ended = (id: string, what: string) =>
    until(what, 300, () => {
      const s = job(id).JobState;
      return s && !['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING', 'REQUEUED'].includes(s) && s;
    });
  const out = (n: string) => readFileSync(join(work, `slurm-${n}.out`), 'utf8');
  let merge = submitMerge([`--dependency=afterany:${array}`]);
  let state = await ended(merge, 'the merge job to finish');
  mark('merge finished');
  // Slurm may count an array as over before a requeued task has rerun (seen under load): the merge then refuses,
  // naming the shard, and the doc's recovery — the task finishes, the merge job is submitted again — must complete.
  if (state !== 'COMPLETED' && /shard \d+\/\d+ has \d+ of its \d+ records verified/.test(out(merge))) {
    await ended(killed.task, `requeued task ${killed.task} to finish`);
    merge = submitMerge([]);
    state = await ended(merge, 'the merge job, submitted again, to finish');
    mark('the first merge refused an unfinished shard; submitted again after the task, it finished');
  }
  assert.equal(state, 'COMPLETED', `merge job ${merge} ended ${state}: ${out(merge)}`);
  assert.equal(job(killed.task).Restarts, '1', `task ${killed.task} was not rerun`);
  const shardFile = join(runDir, 'campaign', 'fp32', `faults.${killed.task.split('_')[1]}-of-${shards}.jsonl`);
  assert.equal(lines(shardFile), sitesOf(Number(killed.task.split('_')[1])), 'a shard writes one record per site');
  assert.ok(
    killed.before < lines(shardFile),
    `the kill of ${killed.task} landed after it finished (${killed.before} records)`,
  );

  for (const f of ['faults.jsonl', 'summary.json']) {
    const merged = readFileSync(join(runDir, 'campaign', 'fp32', f));
    assert.ok(merged.equals(readFileSync(join(runDir, 'campaign', 'single', f))), `${f} differs from one process`);
  }
});
