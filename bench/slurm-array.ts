/**
 * A campaign as docs/scaling.md's Slurm job array against one process, on the one-node cluster of
 * scripts/slurm-local.sh: wall time of the array (N tasks of 1 CPU, as many at once as the node has CPUs) against one
 * process at 1 and at all CPUs, and the overhead per shard: (Σ task wall times − one process at 1 CPU) / N.
 * Rounds alternate the three, so machine load hits all alike; medians are printed.
 *   npx tsx bench/slurm-array.ts RUN_DIR [--per-layer 1024] [--shards 4] [--rounds 3]
 * RUN_DIR holds model.onnx and meta.json (e.g. runs/reproduce-quick/baseline); the bench works on a copy.
 */
import './tuned.js';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const source = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!source) throw new Error('usage: npx tsx bench/slurm-array.ts RUN_DIR [--per-layer N] [--shards N] [--rounds N]');
const perLayer = flag('--per-layer', 1024);
const shards = flag('--shards', 4);
const rounds = flag('--rounds', 3);
const cores = cpus().length;

const slurmDir = mkdtempSync(join(tmpdir(), 'tgr-slurm-bench-'));
const env = { ...process.env, TGR_SLURM_DIR: slurmDir, SLURM_CONF: join(slurmDir, 'slurm.conf') };
const tgr = [process.execPath, join(root, 'bin', 'tgr.js')];
const settings = ['--per-layer', String(perLayer), '--format', 'fp32', '--seed', '0'];

function run(cmd: string, argv: string[], extra: Record<string, string> = {}): string {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...env, ...extra } });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}
const seconds = (f: () => void) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e9;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Seconds a finished job ran, from Slurm's own start and end times. */
function jobSeconds(id: string): number {
  const fields = Object.fromEntries(
    run('scontrol', ['-o', 'show', 'job', id])
      .split(/\s+/)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  return (Date.parse(fields.EndTime!) - Date.parse(fields.StartTime!)) / 1000;
}

run('bash', [join(root, 'scripts', 'slurm-local.sh'), 'start']);
const work = mkdtempSync(join(tmpdir(), 'tgr-slurm-bench-run-'));
try {
  const runDir = join(work, 'run');
  cpSync(join(source, 'model.onnx'), join(runDir, 'model.onnx'));
  cpSync(join(source, 'meta.json'), join(runDir, 'meta.json'));
  run(tgr[0]!, [...tgr.slice(1), 'plan', runDir, ...settings, '--quiet']);
  const sites = JSON.parse(readFileSync(join(runDir, 'campaign', 'fp32', 'plan.json'), 'utf8')).sites.layer.length;
  const one: number[] = [];
  const all: number[] = [];
  const array: number[] = [];
  const overhead: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const name = (what: string) => `${what}-${r}`;
    const single = (threads: number, what: string) =>
      seconds(() =>
        run(tgr[0]!, [
          ...tgr.slice(1),
          'inject',
          runDir,
          ...settings,
          '--name',
          name(what),
          '--threads',
          String(threads),
          '--quiet',
        ]),
      );
    const t1 = single(1, 'one');
    one.push(t1);
    all.push(single(cores, 'all'));
    const shardName = name('array');
    run(tgr[0]!, [...tgr.slice(1), 'plan', runDir, ...settings, '--name', shardName, '--quiet']);
    const exportAll = `--export=ALL,TGR_RUN=${runDir},TGR=${tgr.join(' ')},TGR_ARGS=${[...settings, '--name', shardName].join(' ')}`;
    let jid = '';
    const wall = seconds(() => {
      jid = run('sbatch', [
        '--parsable',
        '--wait',
        `--array=0-${shards - 1}`,
        '--cpus-per-task=1',
        '--mem=2G',
        `--chdir=${work}`,
        exportAll,
        join(root, 'examples', 'slurm', 'inject.sbatch'),
      ]);
    });
    array.push(wall);
    const tasks = Array.from({ length: shards }, (_, k) => jobSeconds(`${jid}_${k}`));
    overhead.push((tasks.reduce((a, b) => a + b, 0) - t1) / shards);
    console.error(
      `round ${r + 1}: one@1 ${t1.toFixed(1)} s, one@${cores} ${all.at(-1)!.toFixed(1)} s, array ${wall.toFixed(1)} s`,
    );
  }
  const fmt = (x: number) => x.toFixed(1);
  console.log(
    `campaign: ${sites} injections (${perLayer} per layer), ${shards} array tasks of 1 CPU on ${cores} CPUs, ${rounds} rounds, medians`,
  );
  console.log(
    `| one process, 1 thread | one process, ${cores} threads | job array | array ÷ one@${cores} | overhead per shard |`,
  );
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| ${fmt(median(one))} s | ${fmt(median(all))} s | ${fmt(median(array))} s | ${(median(array) / median(all)).toFixed(2)}× | ${fmt(median(overhead))} s |`,
  );
} finally {
  spawnSync('bash', [join(root, 'scripts', 'slurm-local.sh'), 'stop'], { env });
  rmSync(work, { recursive: true, force: true });
  rmSync(slurmDir, { recursive: true, force: true });
}
