/**
 * Per-channel profile speed (`channelMaxAbs`, the int:K:channel scales): the in-graph reductions it shares with the
 * golden pass against the code before 7caa872 (every layer output a graph output, one run per batch of 64, each
 * channel's max |x| taken in JS), on a 224×224 ResNet-18 from src/models (random weights, seeded N(0,1) images in
 * memory), both at --threads. Rounds alternate so both sides see the same load; each includes its session's creation.
 * Prints img/s and CPU ms per image (all of this process's threads) per round, and checks the two agree exactly.
 *
 *   npx tsx bench/channel-profile.ts [--images 24] [--runs 3] [--threads 2] [--side 224]
 */
import './tuned.js';
import { isDeepStrictEqual } from 'node:util';
import { loadavg } from 'node:os';
import { buildModel } from '../src/models/registry.js';
import { Session } from '../src/engine/session.js';
import { Rng } from '../src/core/rng.js';
import { loadClassifier, type Classifier } from '../src/faults/model/classifier.js';
import { withOutputs } from '../src/faults/model/exposed.js';
import { channelMaxAbs } from '../src/faults/run/channel-profile.js';
import { imageSetFromArrays } from '../src/faults/run/images.js';

const argv = process.argv.slice(2);
const arg = (k: string, d: number) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const side = arg('side', 224);
const n = arg('images', 24);
const runs = arg('runs', 3);
const threads = arg('threads', 2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const model = buildModel({
  backbone: 'resnet18',
  head: 'linear',
  inputShape: [3, side, side],
  numClasses: 1000,
  mode: 'eval',
  seed: 0,
});
const clf = await loadClassifier(model, { label: 'resnet18.onnx', threads });
const rng = new Rng('bench-channel-profile');
const pixels = Float32Array.from({ length: n * 3 * side * side }, () => rng.normal());
const labels = Int32Array.from({ length: n }, (_, i) => i % 1000);
const images = imageSetFromArrays({ images: pixels, labels, shape: [3, side, side], name: 'random' });
const indices = [...Array(n).keys()];

/** The profile before 7caa872: every layer output exposed, runs of 64 images, per-channel max |x| in JS. */
async function exposedProfile(c: Classifier): Promise<Map<string, number[]>> {
  const maxima = c.layers.map((l) => new Array<number>(l.shape[0] ?? 1).fill(0));
  const opts = { threads, label: c.file, spinning: false };
  const session = await Session.create(
    withOutputs(
      c.model,
      c.layers.map((l) => l.tensor),
    ),
    opts,
  );
  for (let s = 0; s < n; s += 64) {
    const batch = indices.slice(s, s + 64);
    const x = await images.pixels(batch);
    const out = await session.run({
      [c.input.name]: { dtype: 'float32', dims: [batch.length, 3, side, side], data: x },
    });
    c.layers.forEach((l, i) => {
      const a = out[l.tensor]!.data as Float32Array;
      const m = maxima[i]!;
      const inner = l.neurons / m.length;
      for (let k = 0; k < a.length; k++) {
        const v = Math.abs(a[k]!);
        const ch = Math.floor(k / inner) % m.length;
        if (v > m[ch]! && v !== Infinity) m[ch] = v;
      }
    });
  }
  await session.release();
  return new Map(c.layers.map((l, i) => [l.tensor, maxima[i]!]));
}

/** `pass`'s result, img/s and CPU ms per image. */
async function timed(pass: () => Promise<Map<string, number[]>>) {
  const t = performance.now();
  const c = process.cpuUsage();
  const result = await pass();
  const used = process.cpuUsage(c);
  return { result, rate: n / ((performance.now() - t) / 1000), cpu: (used.user + used.system) / 1000 / n };
}

const sides = {
  graph: { rate: [] as number[], cpu: [] as number[] },
  exposed: { rate: [] as number[], cpu: [] as number[] },
};
const load = [loadavg()[0]!];
let same = true;
for (let r = 0; r < runs; r++) {
  const before = await timed(() => exposedProfile(clf));
  const now = await timed(() => channelMaxAbs({ classifier: clf, images, indices, threads, quiet: true }));
  same &&= isDeepStrictEqual(before.result, now.result);
  for (const [side, x] of [
    ['exposed', before],
    ['graph', now],
  ] as const) {
    sides[side].rate.push(x.rate);
    sides[side].cpu.push(x.cpu);
  }
}
load.push(loadavg()[0]!);
const fmt = (xs: number[], unit: string) =>
  `${median(xs).toFixed(1)} ${unit} (runs: ${xs.map((x) => x.toFixed(1)).join(', ')})`;
console.log(
  `resnet18 ${side}×${side}, ${clf.layers.length} layers, ${n} images, ${threads} threads; load average ${load.map((x) => x.toFixed(1)).join(' → ')}`,
);
for (const [name, s] of [
  ['in-graph reductions (now)', sides.graph],
  ['exposed layer outputs (before)', sides.exposed],
] as const)
  console.log(`${name}: ${fmt(s.rate, 'img/s')}; CPU ${fmt(s.cpu, 'ms/img')}`);
console.log(`per-channel maxima identical in every round: ${same}`);
