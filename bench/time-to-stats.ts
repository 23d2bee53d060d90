/**
 * Time to the paper's statistics (issue 14 must-show 4): how long tgr's fastest plan — bit-stratified with Neyman
 * allocation from a pilot, all shortcuts, one shard per core — takes to reach, on every layer, the 99% interval
 * half-widths of the mismatch rate and the critical-fault rate P(ΔLoss > 1) that the PyTorchFI-style peer
 * (bench/inject_peer.py) reaches with the paper's 4,096 uniform injections per layer, against the peer's time for those.
 * Model: CIFAR ResNet-20 from src/models (random weights) on random images labelled by its own predictions, as
 * bench/inject.ts. Both sides' widths come from the same function (src/stats/stratified.ts: Clopper–Pearson for the
 * peer's one stratum, Korn–Graubard for tgr's 32 bit strata), as (upper − lower)/2.
 *
 * Search: tgr runs at --start sites per layer and moves n by the widest (w/w_peer) over layers and metrics (widths go
 * as 1/√n with hits, 1/n without) until every width is at most the peer's, then tries one step down. Then --runs timed rounds alternate the peer's 4,096/layer with tgr at the n found (a fresh campaign each time:
 * pilot, plan, the shards as child processes, merge, summary); medians. Golden passes are computed once up front on
 * both sides and not timed.
 *
 *   npx tsx bench/time-to-stats.ts [--peer-n 4096] [--images 1024] [--pilot 128] [--start 512] [--jobs 2] [--runs 3]
 *     [--allocation neyman|equal] [--threads 2]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { campaignDir, preparePlan, type CampaignOptions } from '../src/faults/campaign.js';
import { planCampaign } from '../src/faults/plan/plan.js';
import { mergeShards } from '../src/faults/store/merge.js';
import { summarize } from '../src/faults/metrics/summarize.js';
import { stratifiedRate } from '../src/stats/stratified.js';
import type { CampaignSummary } from '../src/faults/store/records.js';
import { runShards } from './shards.js';
import { benchTarget, resnet20, startPeer, writePeerInputs, writeSites, type PeerResult } from './peer.js';

const argv = process.argv.slice(2);
const arg = (k: string, d: number) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const peerN = arg('peer-n', 4096);
const nImages = arg('images', 1024);
const pilot = arg('pilot', 128);
const start = arg('start', 512);
const jobs = arg('jobs', 2);
const runs = arg('runs', 3);
const threads = arg('threads', 2);
const allocation = argv.includes('--allocation') ? argv[argv.indexOf('--allocation') + 1]! : 'neyman';
const batch = 128;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const half = (e: { lower: number; upper: number }) => (e.upper - e.lower) / 2;

const dir = mkdtempSync(join(tmpdir(), 'tgr-bench-time-to-stats-'));
const target = await benchTarget({ ...resnet20, nImages, threads, dir });
const { clf, golden, images } = target;
writePeerInputs(dir, target);
const uniform = planCampaign({ classifier: clf, golden, perLayer: peerN, batchSize: batch, seed: 1 });
writeSites(dir, uniform, 'sites');
const peer = await startPeer(dir, ['--threads', String(threads), '--batch', String(batch)]);
const agree = peer.ready.golden_top1.filter((p, i) => p === target.preds[i]).length;
const load = [loadavg()[0]!];

/** The peer's per-layer half-widths (mismatch, critical) from its counts, by tgr's interval for one stratum. */
function peerWidths(p: PeerResult): { mismatch: number; critical: number }[] {
  return p.layers.map((l) => ({
    mismatch: half(stratifiedRate([{ weight: 1, n: l.n, hits: l.mismatches }])),
    critical: half(stratifiedRate([{ weight: 1, n: l.n, hits: l.critical }])),
  }));
}

/** tgr's per-layer half-widths from its summary, in plan layer order. */
function ourWidths(s: CampaignSummary): { mismatch: number; critical: number }[] {
  const tau1 = s.tau.indexOf(1);
  return s.layers.map((l) => ({ mismatch: half(l.sdc), critical: half(l.critical[tau1]!) }));
}

let campaigns = 0;
const startups: number[] = [];
/** One timed tgr campaign at n per layer: pilot and plan here, `jobs` shards as child processes, merge, summary. */
async function ours(n: number): Promise<{ seconds: number; summary: CampaignSummary }> {
  const settings = {
    perLayer: n,
    stratify: 'bit' as const,
    ...(allocation === 'neyman' ? { allocation: 'neyman' as const, pilot } : {}),
    seed: 1,
    batchSize: batch,
    name: `n${n}-${campaigns++}`,
  };
  const o: CampaignOptions = { ...settings, model: join(dir, 'model.onnx'), images, runDir: dir, threads, quiet: true };
  const t0 = performance.now();
  await preparePlan(o, clf, golden);
  startups.push(...(await runShards(dir, 32, jobs, threads / jobs, settings)));
  const cdir = campaignDir(dir, settings.name);
  mergeShards(cdir, jobs);
  const summary = summarize(cdir);
  return { seconds: (performance.now() - t0) / 1000, summary };
}

// The peer's widths at the paper's n, and the search for tgr's n.
const first = await peer.run('sites');
const want = peerWidths(first);
// Progress as it comes (a long run stopped early still leaves the peer's widths and the steps taken).
console.error(
  `peer ${peerN}/layer: ${first.seconds.toFixed(1)} s; half-widths mismatch ${want.map((w) => w.mismatch.toFixed(4)).join(' ')}; critical ${want.map((w) => w.critical.toFixed(4)).join(' ')}`,
);
const tried: { n: number; seconds: number; worst: number }[] = [];
const up64 = (x: number) => Math.max(64, Math.ceil(x / 64) * 64);
/** Runs tgr at n: the largest (w/w_peer)² over layers and metrics (a width of 0 on both sides needs nothing). */
async function attempt(n: number): Promise<{ worst: number; widths: { mismatch: number; critical: number }[] }> {
  const r = await ours(n);
  const widths = ourWidths(r.summary);
  const worst = Math.max(
    ...widths.flatMap((g, i) =>
      (['mismatch', 'critical'] as const).map((m) => (g[m] === 0 ? 0 : (g[m] / want[i]![m]) ** 2)),
    ),
  );
  tried.push({ n, seconds: r.seconds, worst });
  console.error(`tgr ${n}/layer: ${r.seconds.toFixed(1)} s, widest (w/w_peer)² ${worst.toFixed(2)}`);
  return { worst, widths };
}
// Widths shrink as 1/√n where a rate has hits, but as 1/n where it has none (Clopper–Pearson at 0), so (w/w_peer)²
// overshoots n there: up by the ratio^1.5 until every width is reached, then one step down by its square root.
let n = start;
let found: { n: number; widths: { mismatch: number; critical: number }[] } | undefined;
for (let step = 0; step < 6 && !found; step++) {
  const r = await attempt(n);
  if (r.worst <= 1) found = { n, widths: r.widths };
  else n = up64(n * r.worst ** 0.75 * 1.05);
}
if (found && tried.length > 1) {
  const down = up64(found.n * Math.sqrt(tried.at(-1)!.worst));
  if (down < found.n) {
    const r = await attempt(down);
    if (r.worst <= 1) found = { n: down, widths: r.widths };
  }
}

const peerSeconds: number[] = [first.seconds];
const ourSeconds: number[] = [];
if (found) {
  for (let r = 0; r < runs; r++) {
    ourSeconds.push((await ours(found.n)).seconds);
    if (r > 0) peerSeconds.push((await peer.run('sites')).seconds);
  }
}
peer.close();
load.push(loadavg()[0]!);
rmSync(dir, { recursive: true, force: true });

const f4 = (x: number) => x.toFixed(4);
console.log(
  `ResNet-20 (src/models), ${clf.layers.length} layers, pool ${uniform.pool} of ${nImages} images; peer ${peerN} uniform/layer (torch ${peer.ready.ready}, ${peer.ready.threads} threads, golden top-1 agrees on ${agree}/${nImages}); tgr --stratify bit${allocation === 'neyman' ? ` --allocation neyman --pilot ${pilot}` : ''}, ${jobs} shards × ${threads / jobs} thread; load average ${load.map((x) => x.toFixed(1)).join(' → ')}`,
);
console.log(
  `search: ${tried.map((t) => `n ${t.n}: ${t.seconds.toFixed(1)} s, widest (w/w_peer)² ${t.worst.toFixed(2)}`).join('; ')}`,
);
if (!found) {
  console.log('tgr did not reach the peer’s widths within 6 steps');
  process.exit(1);
}
console.log('| layer | mismatch: peer | tgr | critical (ΔLoss > 1): peer | tgr |');
console.log('| --- | --- | --- | --- | --- |');
uniform.layers.forEach((l, i) =>
  console.log(
    `| ${l.name} | ${f4(want[i]!.mismatch)} | ${f4(found!.widths[i]!.mismatch)} | ${f4(want[i]!.critical)} | ${f4(found!.widths[i]!.critical)} |`,
  ),
);
const secs = (xs: number[]) => `${median(xs).toFixed(1)} s (runs: ${xs.map((x) => x.toFixed(1)).join(', ')})`;
console.log(`peer, ${peerN}/layer: ${secs(peerSeconds)}`);
console.log(
  `tgr, ${found.n}/layer stratified: ${secs(ourSeconds)}; each shard's start-up (node, tsx, images) ${median(startups).toFixed(1)} s (median of ${startups.length})`,
);
console.log(`time to the peer's widths: ${(median(peerSeconds) / median(ourSeconds)).toFixed(1)}× faster (goal ≥ 20×)`);
