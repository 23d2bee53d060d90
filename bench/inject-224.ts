/**
 * Fault-injection throughput at 224×224 (issue 14 must-show 5): a per-layer single-bit-flip campaign (fp32) on a
 * model from src/models (1000 classes, linear head, random weights) — ResNet-50 by default, or Swin-V2-T — tgr's runner
 * against the PyTorchFI-style peer (bench/inject_peer.py running torchvision's model of that name on the same weights,
 * images and sites). ResNet-50: every Conv and the fc. Swin-V2-T: the layers a forward hook can reach in torchvision —
 * the patch Conv, every block's MLP Linears, the mergings' reductions and the head — since its attention calls
 * `qkv`/`proj` through F.linear and its q·kᵀ / attn·v are not modules. Golden passes are computed up front on both
 * sides and not timed; --runs rounds alternate the two sides after the peer's warm-up; medians.
 *
 *   npx tsx bench/inject-224.ts [--backbone resnet50|swin-v2-t] [--per-layer 64] [--images 64] [--batch 16]
 *     [--runs 1] [--threads 2]
 */
import './tuned.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { planCampaign } from '../src/faults/plan/plan.js';
import { runCampaign } from '../src/faults/run/runner.js';
import { readRecords } from '../src/faults/store/store.js';
import { benchTarget, startPeer, writePeerInputs, writeSites } from './peer.js';

const argv = process.argv.slice(2);
const arg = (k: string, d: number) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const backbone = argv.includes('--backbone') ? argv[argv.indexOf('--backbone') + 1]! : 'resnet50';
const perLayer = arg('per-layer', 64);
const nImages = arg('images', 64);
const batch = arg('batch', 16);
const runs = arg('runs', 1);
const threads = arg('threads', 2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** torchvision's name for each backbone, and which of our layers its forward hooks reach (all by default). */
const peers: Record<string, { arch: string; hookable?: RegExp }> = {
  resnet50: { arch: 'resnet50' },
  resnet18: { arch: 'resnet18' },
  'swin-v2-t': { arch: 'swin_v2_t', hookable: /^features\.0\.0$|\.mlp\.[03]$|\.reduction$|^head$/ },
};
const peerOf = peers[backbone];
if (!peerOf) throw new Error(`--backbone: one of ${Object.keys(peers).join(', ')}; got ${backbone}`);

const dir = mkdtempSync(join(tmpdir(), 'tgr-bench-inject-224-'));
const target = await benchTarget({
  backbone,
  side: 224,
  classes: 1000,
  nImages,
  threads,
  seed: 'bench-inject-224',
  dir,
});
const { clf, golden, images, activations } = target;
const layers = clf.layers.map((l) => l.name).filter((n) => peerOf.hookable?.test(n) ?? true);
const plan = planCampaign({ classifier: clf, golden, perLayer, batchSize: batch, seed: 1, layers });
const total = plan.sites.layer.length;
writePeerInputs(dir, target);
writeSites(dir, plan, 'sites');
const peer = await startPeer(dir, [
  ...['--threads', String(threads), '--batch', String(batch), '--warmup', String(batch)],
  ...['--arch', peerOf.arch, '--side', '224', '--classes', '1000'],
]);
const agree = peer.ready.golden_top1.filter((p, i) => p === target.preds[i]).length;
const load = [loadavg()[0]!];

const ours: number[] = [];
const theirs: number[] = [];
let mismatches = { ours: 0, theirs: 0 };
let paths: Record<string, number> = {};
for (let r = 0; r < runs; r++) {
  const res = await runCampaign({
    classifier: clf,
    golden,
    plan,
    images,
    dir: mkdtempSync(join(dir, 'run-')),
    threads,
    quiet: true,
    activations,
  });
  ours.push(total / res.seconds);
  paths = res.paths;
  const p = await peer.run('sites');
  theirs.push(p.inj_per_s);
  const recs = readRecords(res.file);
  mismatches = { ours: recs.filter((x) => !x.nonFinite && x.faultyTop1 !== x.goldenTop1).length, theirs: p.mismatches };
}
peer.close();
load.push(loadavg()[0]!);
rmSync(dir, { recursive: true, force: true });

const fmt = (xs: number[]) => `${median(xs).toFixed(2)} inj/s (runs: ${xs.map((x) => x.toFixed(2)).join(', ')})`;
console.log(
  `${backbone} 224×224, ${plan.layers.length} of ${clf.layers.length} layers × ${perLayer} = ${total} injections, ${nImages} images (pool ${plan.pool}), batch ${batch}, ${threads} threads; load average ${load.map((x) => x.toFixed(1)).join(' → ')}`,
);
console.log(
  `peer golden top-1 agrees with ORT on ${agree}/${nImages}; mismatches tgr ${mismatches.ours}, peer ${mismatches.theirs}`,
);
console.log(
  `paths: ${Object.entries(paths)
    .map(([k, v]) => `${k} ${((100 * v) / total).toFixed(1)}%`)
    .join(', ')}`,
);
console.log(`tgr runner: ${fmt(ours)}`);
console.log(`PyTorchFI-style peer (torch ${peer.ready.ready}): ${fmt(theirs)}`);
console.log(`ratio: ${(median(ours) / median(theirs)).toFixed(1)}×`);
