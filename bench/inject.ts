/**
 * Fault-injection throughput: a full per-layer single-bit-flip campaign (fp32, every Conv/Gemm layer, n sites per
 * layer) on CIFAR ResNet-20 from src/models (3×32×32, batch 128), tgr's runner against a PyTorchFI-style peer
 * (bench/inject_peer.py: forward hook flips one bit per image, full forward per batch) on the same weights, images and
 * sites. Runs alternate between the two so both see the same machine load; medians are reported. Golden outputs are
 * computed once up front on both sides and not timed.
 *
 *   npx tsx bench/inject.ts [--per-layer 512] [--images 1024] [--runs 3] [--threads 2]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../src/models/registry.js';
import { Session } from '../src/engine/session.js';
import { Rng } from '../src/core/rng.js';
import { loadClassifier } from '../src/faults/model/classifier.js';
import { goldenRun, readGoldenActivations } from '../src/faults/run/golden.js';
import { imageSetFromArrays } from '../src/faults/run/images.js';
import { planCampaign } from '../src/faults/plan/plan.js';
import { writePlan } from '../src/faults/plan/plan-file.js';
import { mergeShards } from '../src/faults/store/merge.js';
import { runCampaign } from '../src/faults/run/runner.js';
import { readRecords } from '../src/faults/store/store.js';
import { coneFractions, suffixFractions } from './inject-ceiling.js';

const arg = (k: string, d: number) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const perLayer = arg('per-layer', 512);
const nImages = arg('images', 1024);
const runs = arg('runs', 3);
const threads = arg('threads', 2);
const batch = 128;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'tgr-bench-inject-'));
const model = buildModel({
  backbone: 'resnet20',
  head: 'linear',
  inputShape: [3, 32, 32],
  numClasses: 10,
  mode: 'eval',
  seed: 0,
});
const clf = await loadClassifier(model, { label: 'resnet20.onnx', threads });
const rng = new Rng('bench-inject');
const pixels = Float32Array.from({ length: nImages * 3 * 32 * 32 }, () => rng.normal());
// Labels are the model's own predictions, so every image with a positive Top2Diff is in the pool.
const unlabelled = imageSetFromArrays({
  images: pixels,
  labels: new Int32Array(nImages),
  shape: [3, 32, 32],
  name: 'random',
});
const g0 = await goldenRun({ classifier: clf, images: unlabelled, threads, quiet: true });
const images = imageSetFromArrays({ images: pixels, labels: g0.preds, shape: [3, 32, 32], name: 'random' });
const golden = await goldenRun({ classifier: clf, images, threads, quiet: true, out: join(dir, 'golden.json') });
const activations = readGoldenActivations(join(dir, 'golden.json'), golden);
const plan = planCampaign({ classifier: clf, golden, perLayer, batchSize: batch, seed: 1 });
const total = plan.sites.layer.length;
// The paper's headline compares last layers: a campaign on fc alone (analytic here, full forwards for the peer).
const lastPlan = planCampaign({
  classifier: clf,
  golden,
  perLayer: perLayer * 16,
  batchSize: batch,
  seed: 1,
  layers: clf.lastLayers,
});

// The peer's inputs: weights by torchvision name, images, labels, and the same sites grouped by layer.
const manifest: Record<string, [number, number[]]> = {};
const blobs: Float32Array[] = [];
let offset = 0;
for (const [name, t] of clf.model.graph.initializers) {
  if (t.dtype !== 'float32' || name.startsWith('const_')) continue;
  manifest[name] = [offset, t.dims];
  blobs.push(t.data as Float32Array);
  offset += t.data.length;
}
writeFileSync(join(dir, 'weights.json'), JSON.stringify(manifest));
writeFileSync(
  join(dir, 'weights.bin'),
  Buffer.concat(blobs.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))),
);
writeFileSync(join(dir, 'images.bin'), Buffer.from(pixels.buffer));
writeFileSync(join(dir, 'labels.bin'), Buffer.from(Int32Array.from(g0.preds).buffer));
/** Writes a plan's sites for the peer, grouped by layer: NAME.json (layer names) and NAME.bin (layer, image, index, bit). */
function writeSites(p: typeof plan, name: string): void {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(p.layers.map((l) => l.name)));
  const order = Array.from({ length: p.sites.layer.length }, (_, i) => i).sort(
    (a, b) => p.sites.layer[a]! - p.sites.layer[b]! || a - b,
  );
  writeFileSync(
    join(dir, `${name}.bin`),
    Buffer.from(
      Int32Array.from(order.flatMap((i) => [p.sites.layer[i]!, p.sites.image[i]!, p.sites.index[i]!, p.sites.bit[i]!]))
        .buffer,
    ),
  );
}
writeSites(plan, 'sites');
writeSites(lastPlan, 'last');

// OpenMP threads that spin-wait lose ~4× on a shared machine (ORT's sessions here do not spin either): passive.
const peer = spawn(
  '/usr/bin/python3',
  [new URL('./inject_peer.py', import.meta.url).pathname, dir, '--threads', String(threads), '--batch', String(batch)],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' },
  },
);
const lines = createInterface({ input: peer.stdout })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value as string);
const ready = await next();
const agree = (ready.golden_top1 as number[]).filter((p, i) => p === g0.preds[i]).length;

// Raw forward throughput of the whole model at batch 128, for the cost model below.
const session = await Session.create(clf.model, { threads, spinning: false });
const x = { dtype: 'float32' as const, dims: [batch, 3, 32, 32], data: pixels.subarray(0, batch * 3 * 32 * 32) };
await session.run({ input: x });
let t = performance.now();
for (let i = 0; i < 8; i++) await session.run({ input: x });
const ortImgPerS = (8 * batch) / ((performance.now() - t) / 1000);
await session.release();

const ours: number[] = [];
const plainSuffix: number[] = [];
const jobs: number[] = [];
const theirs: number[] = [];
const oursLast: number[] = [];
const theirsLast: number[] = [];
let paths = {} as Record<string, number>;
let peerStats = { mismatches: 0, delta_loss_sum: 0 };
for (let r = 0; r < runs; r++) {
  const d = mkdtempSync(join(dir, 'run-'));
  const res = await runCampaign({ classifier: clf, golden, plan, images, dir: d, threads, quiet: true, activations });
  ours.push(total / res.seconds);
  paths = res.paths;
  if (r === 0) {
    const recs = readRecords(res.file);
    const ourMism = recs.filter((x) => !x.nonFinite && x.faultyTop1 !== x.goldenTop1).length;
    const ourDl = recs.reduce((s, x) => s + (x.nonFinite ? 0 : Math.abs(x.faultyLoss! - x.goldenLoss)), 0);
    console.log(`tgr records: ${ourMism} mismatches, mean ΔLoss ${(ourDl / total).toFixed(5)}`);
  }
  const d2 = mkdtempSync(join(dir, 'run-'));
  const res2 = await runCampaign({
    classifier: clf,
    golden,
    plan,
    images,
    dir: d2,
    threads,
    quiet: true,
    shortcuts: false,
    activations,
  });
  plainSuffix.push(total / res2.seconds);
  // What `tgr inject --jobs 2` runs: two balanced shards at 1 thread each at once, then the merge (here in one
  // process, concurrent ORT runs, instead of two child processes).
  const d4 = mkdtempSync(join(dir, 'run-'));
  const t4 = performance.now();
  await Promise.all(
    [0, 1].map((index) =>
      runCampaign({
        classifier: clf,
        golden,
        plan,
        images,
        dir: d4,
        threads: 1,
        quiet: true,
        activations,
        shard: { index, count: 2 },
      }),
    ),
  );
  writePlan(join(d4, 'plan.json'), plan);
  mergeShards(d4, 2);
  jobs.push(total / ((performance.now() - t4) / 1000));
  peer.stdin.write('run sites\n');
  const p = await next();
  theirs.push(p.inj_per_s);
  peerStats = p;
  const d3 = mkdtempSync(join(dir, 'run-'));
  const res3 = await runCampaign({
    classifier: clf,
    golden,
    plan: lastPlan,
    images,
    dir: d3,
    threads,
    quiet: true,
    activations,
  });
  oursLast.push(lastPlan.sites.layer.length / res3.seconds);
  peer.stdin.write('run last\n');
  theirsLast.push((await next()).inj_per_s);
}
peer.stdin.end();

const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
console.log(
  `ResNet-20 (src/models), ${clf.layers.length} layers × ${perLayer} sites = ${total} injections, batch ${batch}, ${threads} threads, pool ${plan.pool} of ${nImages} images, ${plan.units.length} units`,
);
console.log(
  `peer golden top-1 agrees with ORT on ${agree}/${nImages} images; peer: ${peerStats.mismatches} mismatches, mean ΔLoss ${(peerStats.delta_loss_sum / total).toFixed(5)}`,
);
console.log(
  `paths: ${Object.entries(paths)
    .map(([k, v]) => `${k} ${((100 * v) / total).toFixed(1)}%`)
    .join(', ')}`,
);
console.log(`ORT full forward: ${fmt(ortImgPerS)} img/s at batch ${batch}`);
console.log(`tgr runner:              ${fmt(median(ours))} inj/s  (runs: ${ours.map(fmt).join(', ')})`);
console.log(
  `tgr, 2 shards × 1 thread at once + merge: ${fmt(median(jobs))} inj/s  (runs: ${jobs.map(fmt).join(', ')})`,
);
console.log(
  `tgr, suffix for every fault: ${fmt(median(plainSuffix))} inj/s  (runs: ${plainSuffix.map(fmt).join(', ')})`,
);
console.log(
  `PyTorchFI-style peer:    ${fmt(median(theirs))} inj/s  (runs: ${theirs.map(fmt).join(', ')}; torch ${ready.ready}, ${ready.threads} threads)`,
);
console.log(
  `ratio: ${(median(ours) / median(theirs)).toFixed(1)}× (suffix-only path ${(median(plainSuffix) / median(theirs)).toFixed(1)}×)`,
);
console.log(
  `last layer only (${clf.lastLayers.join(', ')}, ${lastPlan.sites.layer.length} injections): tgr ${fmt(median(oursLast))} inj/s (runs: ${oursLast.map(fmt).join(', ')}), peer ${fmt(median(theirsLast))} inj/s (runs: ${theirsLast.map(fmt).join(', ')}): ${(median(oursLast) / median(theirsLast)).toFixed(0)}×`,
);
// The ceiling of any exact method here: faults that survive the first ReLU need at least their spatial cone's
// multiply-adds (inject-ceiling.ts), run at ORT's dense speed, with unit passes and all overhead free.
const cones = coneFractions(clf.model.graph, clf.layers);
const suffixes = suffixFractions(clf.model.graph, clf.layers);
const perSite = plan.layers.map((l) => cones.get(l.name) ?? 0);
const meanCone = perSite.reduce((a, b) => a + b, 0) / perSite.length;
const survive = paths.suffix / total;
const peerMsPerInj = 1000 / median(theirs);
const ortMsPerImg = 1000 / ortImgPerS;
console.log(
  `exactness ceiling: ${(100 * survive).toFixed(0)}% of faults survive the shortcuts; their mean cone is ${(100 * meanCone).toFixed(1)}% of a forward's multiply-adds (a whole suffix: ${((100 * plan.layers.reduce((s, l) => s + suffixes.get(l.name)!, 0)) / plan.layers.length).toFixed(1)}%); at ORT's dense rate an ideal incremental engine with free unit passes would reach ${(peerMsPerInj / (survive * meanCone * ortMsPerImg)).toFixed(1)}× the peer`,
);
rmSync(dir, { recursive: true, force: true });
