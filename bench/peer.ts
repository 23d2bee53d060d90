/**
 * What the injection benches share: a model from src/models on random images whose labels are its own predictions
 * (so every image with a positive Top2Diff is in the pool), its golden pass, the PyTorchFI-style peer's input files
 * (bench/inject_peer.py) and the peer process, which serves timed runs one request at a time so the caller can
 * interleave them with its own.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel } from '../src/models/registry.js';
import { loadModel, saveModel } from '../src/onnx/proto-io.js';
import { openDataset } from '../src/data/registry.js';
import { Rng } from '../src/core/rng.js';
import { loadClassifier, type Classifier } from '../src/faults/model/classifier.js';
import { goldenRun, readGoldenActivations } from '../src/faults/run/golden.js';
import { imageSetFromArrays, imageSetFromDataset, type ImageSet } from '../src/faults/run/images.js';
import type { CampaignPlan } from '../src/faults/plan/plan.js';
import type { GoldenRun } from '../src/faults/store/records.js';
import type { Model } from '../src/onnx/types.js';

/** A model ready for campaigns on both sides. */
export interface BenchTarget {
  model: Model;
  clf: Classifier;
  pixels: Float32Array;
  /** The images labelled with the model's own predictions. */
  images: ImageSet;
  golden: GoldenRun;
  activations: ReturnType<typeof readGoldenActivations>;
  /** The unlabelled golden pass's predictions (random images' labels). */
  preds: number[];
  /** The images' labels, as the peer reads them. */
  labels: Int32Array;
}

/** The name the parent and the shard children (bench/shard-child.ts) give the in-memory images: golden.json records it. */
export const benchImages = 'bench';

/** CIFAR ResNet-20 at 32×32, 10 classes, on bench/inject.ts's images: the model the paper's figures are about. */
export const resnet20 = { backbone: 'resnet20', side: 32, classes: 10, seed: 'bench-inject' };

/** Builds `backbone` (random weights, seed 0) into DIR/model.onnx, draws `nImages` images from `seed`, runs the golden pass into `dir`. */
export async function benchTarget(o: {
  backbone: string;
  side: number;
  classes: number;
  nImages: number;
  threads: number;
  seed: string;
  dir: string;
}): Promise<BenchTarget> {
  const shape: [number, number, number] = [3, o.side, o.side];
  const model = buildModel({
    backbone: o.backbone,
    head: 'linear',
    inputShape: shape,
    numClasses: o.classes,
    mode: 'eval',
    seed: 0,
  });
  const clf = await loadClassifier(model, { label: `${o.backbone}.onnx`, threads: o.threads });
  const rng = new Rng(o.seed);
  const pixels = Float32Array.from({ length: o.nImages * 3 * o.side * o.side }, () => rng.normal());
  const unlabelled = imageSetFromArrays({
    images: pixels,
    labels: new Int32Array(o.nImages),
    shape,
    name: benchImages,
  });
  const g0 = await goldenRun({ classifier: clf, images: unlabelled, threads: o.threads, quiet: true });
  const images = imageSetFromArrays({ images: pixels, labels: g0.preds, shape, name: benchImages });
  const { golden, activations } = await goldenInto(o.dir, model, clf, images, o.threads);
  return { model, clf, pixels, images, golden, activations, preds: g0.preds, labels: Int32Array.from(g0.preds) };
}

/** Saves the model into DIR/model.onnx and runs the golden pass into DIR/golden.json: what a campaign there reads. */
async function goldenInto(dir: string, model: Model, clf: Classifier, images: ImageSet, threads: number) {
  // Shard children (bench/shards.ts) load the model from the folder, as `tgr inject` does.
  saveModel(model, join(dir, 'model.onnx'));
  const out = join(dir, 'golden.json');
  const golden = await goldenRun({ classifier: clf, images, threads, quiet: true, out });
  return { golden, activations: readGoldenActivations(out, golden) };
}

/**
 * A model `tgr train` made (RUN/model.onnx and RUN/meta.json, e.g. runs/reproduce-quick/baseline) on the first
 * `nImages` images of its dataset's test split with their true labels: the fault profile of a trained network, where
 * hits gather in a few exponent bits, which a random-weight model does not have.
 */
export async function trainedTarget(o: {
  run: string;
  nImages: number;
  threads: number;
  dir: string;
}): Promise<BenchTarget> {
  const meta = JSON.parse(readFileSync(join(o.run, 'meta.json'), 'utf8')) as { dataset: string };
  const model = loadModel(join(o.run, 'model.onnx'));
  const clf = await loadClassifier(model, { label: join(o.run, 'model.onnx'), threads: o.threads });
  const test = imageSetFromDataset(await openDataset(meta.dataset), 'test');
  const n = Math.min(o.nImages, test.size);
  const indices = Array.from({ length: n }, (_, i) => i);
  const pixels = await test.pixels(indices);
  await test.close?.();
  const labels = Int32Array.from(indices, (i) => test.labels[i]!);
  const images = imageSetFromArrays({ images: pixels, labels, shape: test.shape, name: benchImages });
  const { golden, activations } = await goldenInto(o.dir, model, clf, images, o.threads);
  return { model, clf, pixels, images, golden, activations, preds: Array.from(golden.preds), labels };
}

/** Writes the peer's inputs into `dir`: weights by torchvision name, images and labels. */
export function writePeerInputs(dir: string, t: BenchTarget): void {
  const manifest: Record<string, [number, number[]]> = {};
  const blobs: Float32Array[] = [];
  let offset = 0;
  for (const [name, w] of t.clf.model.graph.initializers) {
    if (w.dtype !== 'float32' || name.startsWith('const_')) continue;
    manifest[name] = [offset, w.dims];
    blobs.push(w.data as Float32Array);
    offset += w.data.length;
  }
  writeFileSync(join(dir, 'weights.json'), JSON.stringify(manifest));
  writeFileSync(
    join(dir, 'weights.bin'),
    Buffer.concat(blobs.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))),
  );
  writeFileSync(join(dir, 'images.bin'), Buffer.from(t.pixels.buffer, t.pixels.byteOffset, t.pixels.byteLength));
  writeFileSync(join(dir, 'labels.bin'), Buffer.from(t.labels.buffer, t.labels.byteOffset, t.labels.byteLength));
}

/** Writes a plan's sites for the peer, grouped by layer: NAME.json (layer names) and NAME.bin (layer, image, index, bit). */
export function writeSites(dir: string, p: CampaignPlan, name: string): void {
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

/** One timed peer campaign; `layers` in the order of NAME.json. */
export interface PeerResult {
  seconds: number;
  inj_per_s: number;
  mismatches: number;
  delta_loss_sum: number;
  n: number;
  /** Per layer: injections, mismatches (finite, top-1 changed) and critical faults (finite, ΔLoss > 1). */
  layers: { n: number; mismatches: number; critical: number }[];
}

/** The running peer: its torch version and golden top-1, and `run(name)` for one timed campaign on NAME's sites. */
export interface Peer {
  ready: { ready: string; threads: number; golden_top1: number[] };
  run(name: string): Promise<PeerResult>;
  close(): void;
}

/** Starts bench/inject_peer.py on `dir` (its warm-up runs on the first sites of sites.bin) with extra arguments. */
export async function startPeer(dir: string, args: readonly string[]): Promise<Peer> {
  // OpenMP threads that spin-wait lose ~4× on a shared machine (ORT's sessions here do not spin either): passive.
  const peer = spawn('/usr/bin/python3', [new URL('./inject_peer.py', import.meta.url).pathname, dir, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' },
  });
  const lines = createInterface({ input: peer.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('bench/inject_peer.py ended early (its error is above)');
    return JSON.parse(line.value as string);
  };
  const ready = await next();
  return {
    ready,
    run: async (name) => {
      peer.stdin.write(`run ${name}\n`);
      return (await next()) as PeerResult;
    },
    close: () => peer.stdin.end(),
  };
}
