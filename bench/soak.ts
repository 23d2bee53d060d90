/**
 * Soak test of the campaign store (issue 13), not in CI: N random SIGKILLs spread over plan + golden pass, injection
 * (whole and sharded), merge and report, every step started as two racing `tgr` processes (two would-be writers of one
 * folder; the kill lands anywhere in the step's racing run time, every other time in its second half), then the whole
 * pipeline finished; the results must be byte-identical to an uninterrupted run, with no temp file, lock or stale lock
 * left behind. Prints the counts for bench/RESULTS.md.
 *
 *   npx tsx bench/soak.ts [--kills 100] [--per-layer 16] [--seed soak]
 */
import './tuned.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.js';
import { buildModel } from '../src/models/registry.js';
import { saveModel } from '../src/onnx/proto-io.js';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1]! : d;
};
const kills = Number(arg('kills', '100'));
const perLayer = arg('per-layer', '16');
const rng = new Rng(arg('seed', 'soak'));
const tgr = fileURLToPath(new URL('../bin/tgr.js', import.meta.url));

/** The pipeline, as commands run from the root folder (relative paths, so both roots write the same bytes). */
const stages: { name: string; argv: string[] }[] = [
  { name: 'plan + golden pass', argv: ['plan', 'base', '--per-layer', perLayer, '--quiet'] },
  { name: 'inject', argv: ['inject', 'base', '--per-layer', perLayer, '--quiet'] },
  { name: 'plan + golden pass (tg)', argv: ['plan', 'tg', '--per-layer', perLayer, '--quiet'] },
  { name: 'inject shard 0/2', argv: ['inject', 'tg', '--per-layer', perLayer, '--shard', '0/2', '--quiet'] },
  { name: 'inject shard 1/2', argv: ['inject', 'tg', '--per-layer', perLayer, '--shard', '1/2', '--quiet'] },
  { name: 'merge', argv: ['merge', 'tg', '--shards', '2'] },
  { name: 'report', argv: ['compare', 'base', 'tg', '--cam-images', '0', '--bootstrap', '50'] },
];

/** Two untrained runs (linear and text-guided ResNet-20 heads) on the synthetic dataset's 1×16×16 images. */
function makeRoot(label: string): string {
  const root = mkdtempSync(join(tmpdir(), `tgr-soak-${label}-`));
  for (const [dir, head] of [
    ['base', 'linear'],
    ['tg', 'text-guided'],
  ] as const) {
    mkdirSync(join(root, dir));
    const spec = { backbone: 'resnet20', head, inputShape: [1, 16, 16], numClasses: 4, embedDim: 8 } as const;
    saveModel(buildModel({ ...spec, inputShape: [1, 16, 16] }), join(root, dir, 'model.onnx'));
    writeFileSync(join(root, dir, 'meta.json'), JSON.stringify({ dataset: 'synthetic', head, backbone: 'resnet20' }));
  }
  return root;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  err: string;
  ms: number;
}

/** Starts one tgr process in `root`; `kill(ms)` SIGKILLs it that long after start if it is still running. */
function start(root: string, argv: string[]) {
  const t0 = Date.now();
  const c = spawn(process.execPath, [tgr, ...argv], {
    cwd: root,
    env: { ...process.env, TGR_FROM_SOURCE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  c.stderr.on('data', (d: Buffer) => (err += String(d)));
  const done = new Promise<Outcome>((resolve) =>
    c.on('exit', (code, signal) => resolve({ code, signal, err, ms: Date.now() - t0 })),
  );
  let exited = false;
  void done.then(() => (exited = true));
  return {
    done,
    kill(ms: number): Promise<boolean> {
      return new Promise((resolve) =>
        setTimeout(() => resolve(!exited && c.kill('SIGKILL')), Math.max(0, ms - (Date.now() - t0))),
      );
    },
  };
}

/** Every file under `dir`, relative, sorted. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const t0 = Date.now();
const ref = makeRoot('ref');
const took: number[] = [];
for (const s of stages) {
  const r = await start(ref, s.argv).done;
  if (r.code !== 0) throw new Error(`reference ${s.name}: exit ${r.code}\n${r.err}`);
  took.push(r.ms);
}
console.log(`reference run: ${took.map((ms, i) => `${stages[i]!.name} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);

const root = makeRoot('soak');
const counts = stages.map(() => ({ kills: 0, refused: 0, done: 0, spawned: 0 }));
const unexpected: string[] = [];
const per = (i: number) => Math.floor(kills / stages.length) + (i < kills % stages.length ? 1 : 0);
for (let i = 0; i < stages.length; i++) {
  const s = stages[i]!;
  const c = counts[i]!;
  for (let round = 0; c.kills < per(i) && round < 20 * per(i); round++) {
    const racers = [start(root, s.argv), start(root, s.argv)];
    c.spawned += 2;
    const victim = rng.int(2);
    // Racing processes on a shared machine take longer than the reference: the kill time is drawn over the longest
    // racing run seen so far, every other round from its second half (past start-up, into the step's own work).
    const at = (round % 2 === 0 ? rng.next() : 0.5 + rng.next() / 2) * took[i]!;
    if (await racers[victim]!.kill(at)) c.kills++;
    for (const r of await Promise.all(racers.map((x) => x.done))) {
      if (r.signal === 'SIGKILL') continue;
      took[i] = Math.max(took[i]!, r.ms);
      if (r.code === 0) c.done++;
      else if (r.code === 2 && /is being written by tgr pid \d+/.test(r.err)) c.refused++;
      else unexpected.push(`${s.name}: exit ${r.code ?? r.signal}: ${r.err.trim().split('\n')[0]}`);
    }
  }
  const last = await start(root, s.argv).done; // then the step is finished uninterrupted
  c.spawned++;
  if (last.code !== 0) unexpected.push(`${s.name} (final run): exit ${last.code}: ${last.err.trim().split('\n')[0]}`);
}

// Byte identity of everything both roots hold, except the report's own page and analysis (they carry timings).
const refFiles = files(ref);
const soakFiles = files(root);
const leftovers = soakFiles.filter((f) => /\.tmp-\d+$|\.lock$|\.stale-\d+$/.test(f));
const compared = refFiles.filter((f) => !/^tg\/(analysis\.json|report\/)/.test(f));
const differ = compared.filter(
  (f) => !existsSync(join(root, f)) || !readFileSync(join(root, f)).equals(readFileSync(join(ref, f))),
);
const extra = soakFiles.filter((f) => !refFiles.includes(f) && !leftovers.includes(f));

console.log(
  `\n${new Date().toISOString().slice(0, 10)}: npx tsx bench/soak.ts --kills ${kills} --per-layer ${perLayer}`,
);
console.log('| step | SIGKILLs | refused (lock held) | exit 0 | processes |');
console.log('|---|---|---|---|---|');
stages.forEach((s, i) => {
  const c = counts[i]!;
  console.log(`| ${s.name} | ${c.kills} | ${c.refused} | ${c.done} | ${c.spawned} |`);
});
const sum = (k: keyof (typeof counts)[0]) => counts.reduce((a, c) => a + c[k], 0);
console.log(`| total | ${sum('kills')} | ${sum('refused')} | ${sum('done')} | ${sum('spawned')} |`);
console.log(
  `\n${compared.length} files compared with the uninterrupted run: ${differ.length} differ${differ.length ? ` (${differ.join(', ')})` : ''}; ` +
    `${leftovers.length} leftover temp/lock files${leftovers.length ? ` (${leftovers.join(', ')})` : ''}; ` +
    `${extra.length} extra files${extra.length ? ` (${extra.join(', ')})` : ''}; ` +
    `${unexpected.length} unexpected exits; ${((Date.now() - t0) / 60000).toFixed(1)} minutes`,
);
for (const u of unexpected) console.log(`  ${u}`);
console.log(`roots: ${ref} ${root}`);
process.exitCode = differ.length + leftovers.length + unexpected.length > 0 ? 1 : 0;
