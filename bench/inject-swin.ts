/**
 * Fault-injection throughput on Swin-V2-T at 224×224 (src/models, 1000 classes, linear head): a per-layer
 * single-bit-flip campaign (fp32), tgr's runner against the PyTorchFI-style peer (bench/inject_peer.py running
 * torchvision's swin_v2_t on the same weights, images and sites). The layers are those a forward hook can reach in
 * torchvision — the patch Conv, every block's MLP Linears, the mergings' reductions and the head — since its attention
 * calls `qkv`/`proj` through F.linear and its q·kᵀ / attn·v are not modules. One run each after a warm-up.
 *
 *   npx tsx bench/inject-swin.ts [--per-layer 8] [--images 8] [--threads 2] [--batch 8]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../src/models/registry.js';
import { Rng } from '../src/core/rng.js';
import { loadClassifier } from '../src/faults/model/classifier.js';
import { goldenRun, readGoldenActivations } from '../src/faults/run/golden.js';
import { imageSetFromArrays } from '../src/faults/run/images.js';
import { planCampaign } from '../src/faults/plan/plan.js';
import { runCampaign } from '../src/faults/run/runner.js';
import { readRecords } from '../src/faults/store/store.js';

const arg = (k: string, d: number) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const perLayer = arg('per-layer', 8);
const nImages = arg('images', 8);
const threads = arg('threads', 2);
const batch = arg('batch', 8);
const side = 224;

const dir = mkdtempSync(join(tmpdir(), 'tgr-bench-inject-swin-'));
const model = buildModel({ backbone: 'swin-v2-t', head: 'linear', inputShape: [3, side, side], numClasses: 1000 });
const clf = await loadClassifier(model, { label: 'swin-v2-t.onnx', threads });
const rng = new Rng('bench-inject-swin');
const pixels = Float32Array.from({ length: nImages * 3 * side * side }, () => rng.normal());
const shape: [number, number, number] = [3, side, side];
const g0 = await goldenRun({
  classifier: clf,
  images: imageSetFromArrays({ images: pixels, labels: new Int32Array(nImages), shape, name: 'random' }),
  threads,
  quiet: true,
});
const images = imageSetFromArrays({ images: pixels, labels: g0.preds, shape, name: 'random' });
const golden = await goldenRun({ classifier: clf, images, threads, quiet: true, out: join(dir, 'golden.json') });
const activations = readGoldenActivations(join(dir, 'golden.json'), golden);
const hookable = clf.layers
  .map((l) => l.name)
  .filter((n) => /^features\.0\.0$|\.mlp\.[03]$|\.reduction$|^head$/.test(n));
const plan = planCampaign({ classifier: clf, golden, perLayer, batchSize: batch, seed: 1, layers: hookable });
const total = plan.sites.layer.length;

// The peer's inputs: weights by torchvision name, images, labels, and the sites grouped by layer.
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
writeFileSync(join(dir, 'sites.json'), JSON.stringify(plan.layers.map((l) => l.name)));
const order = [...Array(total).keys()].sort((a, b) => plan.sites.layer[a]! - plan.sites.layer[b]! || a - b);
const rows = order.flatMap((i) => [
  plan.sites.layer[i]!,
  plan.sites.image[i]!,
  plan.sites.index[i]!,
  plan.sites.bit[i]!,
]);
writeFileSync(join(dir, 'sites.bin'), Buffer.from(Int32Array.from(rows).buffer));

const peer = spawn(
  '/usr/bin/python3',
  [
    new URL('./inject_peer.py', import.meta.url).pathname,
    dir,
    ...['--threads', String(threads), '--batch', String(batch), '--warmup', String(batch)],
    ...['--arch', 'swin_v2_t', '--side', String(side), '--classes', '1000'],
  ],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' },
  },
);
const lines = createInterface({ input: peer.stdout })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value as string);
const ready = await next();
const agree = (ready.golden_top1 as number[]).filter((p, i) => p === g0.preds[i]).length;

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
const recs = readRecords(res.file);
const ourMism = recs.filter((x) => !x.nonFinite && x.faultyTop1 !== x.goldenTop1).length;
peer.stdin.write('run sites\n');
const p = await next();
peer.stdin.end();
rmSync(dir, { recursive: true, force: true });

console.log(
  `swin-v2-t 224×224, ${plan.layers.length} hookable layers × ${perLayer} = ${total} injections, ${nImages} images, batch ${batch}, ${threads} threads; load average ${loadavg()[0]!.toFixed(1)}`,
);
console.log(
  `peer golden top-1 agrees with ORT on ${agree}/${nImages}; mismatches tgr ${ourMism}, peer ${p.mismatches}`,
);
console.log(
  `paths: ${Object.entries(res.paths)
    .map(([k, v]) => `${k} ${((100 * v) / total).toFixed(1)}%`)
    .join(', ')}`,
);
console.log(
  `tgr runner ${(total / res.seconds).toFixed(2)} inj/s (${res.seconds.toFixed(0)} s); PyTorchFI-style peer ${p.inj_per_s.toFixed(2)} inj/s (${p.seconds.toFixed(0)} s, torch ${ready.ready})`,
);
