/**
 * Golden-pass speed (issue 18 item 2): tgr's golden pass (scores, per-layer max/mean |activation| over every layer
 * output, the kept small tensors) on a 224×224 ResNet-18 from src/models (1000 classes, random weights), against a
 * plain ORT forward of the same model on the same images (scores only), both at --threads, spinning off. With
 * --before, also the golden pass as it ran before its reductions moved into the graph (profile 'js': every layer
 * output exposed and reduced in JS, runs split under 16 MiB). Runs alternate so all sides see the same load; medians
 * are reported. Images live in memory, so neither side decodes or fits anything. --run-mib sets the golden pass's
 * `runBytes` (MiB of layer outputs per ORT run; default goldenRun's), to try other run sizes; --before keeps its own.
 *
 *   npx tsx bench/golden.ts [--backbone resnet18] [--side 224] [--images 64] [--batch 16] [--runs 3] [--threads 2] [--before] [--run-mib 16]
 */
import './tuned.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../src/models/registry.js';
import { Session } from '../src/engine/session.js';
import { Rng } from '../src/core/rng.js';
import { loadClassifier } from '../src/faults/model/classifier.js';
import { goldenRun, type GoldenProfile } from '../src/faults/run/golden.js';
import { imageSetFromArrays } from '../src/faults/run/images.js';

const argv = process.argv.slice(2);
const arg = (k: string, d: number) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const backbone = argv.includes('--backbone') ? argv[argv.indexOf('--backbone') + 1]! : 'resnet18';
const side = arg('side', 224);
const nImages = arg('images', 64);
const batch = arg('batch', 16);
const runs = arg('runs', 3);
const threads = arg('threads', 2);
const before = argv.includes('--before');
const runMib = arg('run-mib', 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const model = buildModel({
  backbone,
  head: 'linear',
  inputShape: [3, side, side],
  numClasses: 1000,
  mode: 'eval',
  seed: 0,
});
const clf = await loadClassifier(model, { label: `${backbone}.onnx`, threads });
const rng = new Rng('bench-golden');
const size = 3 * side * side;
const pixels = Float32Array.from({ length: nImages * size }, () => rng.normal());
const images = imageSetFromArrays({
  images: pixels,
  labels: Int32Array.from({ length: nImages }, (_, i) => i % 1000),
  shape: [3, side, side],
  name: 'random',
});
// The pass writes golden.json and golden-activations.bin as `tgr inject` does, into a folder removed at the end.
const outDir = mkdtempSync(join(tmpdir(), 'tgr-bench-golden-'));
process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
const plain = await Session.create(clf.model, { threads, spinning: false, label: `${backbone}.onnx` });

/**
 * `pass`'s img/s, and the CPU ms it took per image (all threads of this process; beside the wall clock because on a
 * shared machine it moves far less with other processes' load, so it gives the direction there).
 */
async function timed(pass: () => Promise<unknown>): Promise<{ rate: number; cpu: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  await pass();
  const used = process.cpuUsage(c);
  return { rate: nImages / ((performance.now() - t) / 1000), cpu: (used.user + used.system) / 1000 / nImages };
}

/** One plain pass over all images in batches of `batch`. */
async function plainPass(): Promise<void> {
  for (let s = 0; s < nImages; s += batch) {
    const n = Math.min(batch, nImages - s);
    await plain.run({
      [clf.input.name]: { dtype: 'float32', dims: [n, 3, side, side], data: pixels.subarray(s * size, (s + n) * size) },
    });
  }
}

/** One golden pass (its own session, as `tgr inject` creates one), including the session's creation and its files. */
async function goldenPass(profile: GoldenProfile): Promise<void> {
  await goldenRun({
    classifier: clf,
    images,
    threads,
    quiet: true,
    profile,
    out: join(outDir, 'golden.json'),
    ...(runMib && profile === 'graph' ? { runBytes: runMib * 2 ** 20 } : {}),
  });
}

await plainPass(); // warm-up: first-run allocations
const sides = { plain: [] as number[], golden: [] as number[], before: [] as number[] };
const cpu = { plain: [] as number[], golden: [] as number[], before: [] as number[] };
const record = (side: keyof typeof sides, r: { rate: number; cpu: number }) => {
  sides[side].push(r.rate);
  cpu[side].push(r.cpu);
};
const load = [loadavg()[0]!];
for (let r = 0; r < runs; r++) {
  record('plain', await timed(plainPass));
  record('golden', await timed(() => goldenPass('graph')));
  if (before) record('before', await timed(() => goldenPass('js')));
}
load.push(loadavg()[0]!);
await plain.release();

const fmt = (xs: number[]) => `${median(xs).toFixed(1)} img/s (runs: ${xs.map((x) => x.toFixed(1)).join(', ')})`;
const cpuOf = (xs: number[]) => `CPU ${median(xs).toFixed(1)} ms/img (runs: ${xs.map((x) => x.toFixed(1)).join(', ')})`;
console.log(
  `${backbone} ${side}×${side}, ${clf.layers.length} layers, ${nImages} images, ${threads} threads; load average ${load.map((x) => x.toFixed(1)).join(' → ')}`,
);
console.log(`plain ORT forward, batch ${batch}: ${fmt(sides.plain)}; ${cpuOf(cpu.plain)}`);
console.log(`tgr golden pass (batch 128, reductions in the graph): ${fmt(sides.golden)}; ${cpuOf(cpu.golden)}`);
if (before)
  console.log(`golden pass, layer outputs reduced in JS (before): ${fmt(sides.before)}; ${cpuOf(cpu.before)}`);
const ratios = sides.golden.map((g, i) => g / sides.plain[i]!);
console.log(
  `golden ÷ plain: ${(100 * (median(sides.golden) / median(sides.plain))).toFixed(0)}% of the plain forward's img/s (paired: ${ratios.map((x) => `${(100 * x).toFixed(0)}%`).join(', ')}; goal ≥ 50%); plain's CPU per image ÷ golden's: ${(100 * (median(cpu.plain) / median(cpu.golden))).toFixed(0)}%`,
);
