import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CampaignSummary,
  GoldenRun,
  InjectionRecord,
  LayerProfile,
  LayerStats,
} from '../../src/faults/store/records.js';
import { Rng } from '../../src/core/rng.js';
import { CampaignAccumulator } from '../../src/faults/metrics/layer-accumulator.js';
import {
  combineLayers,
  defaultTau,
  metricsFromStrata,
  overallMetrics,
  type LayerMetrics,
} from '../../src/faults/metrics/metrics.js';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { saveModel } from '../../src/onnx/proto-io.js';
import { f32 } from '../../src/onnx/tensor.js';
import type { Model } from '../../src/onnx/types.js';
import type { CamInput } from '../../src/analysis/cam/cam-figure.js';

/** One layer of a hand-written run: its profile and the |ΔLoss| / mismatch of each injection. */
export interface FixtureLayer {
  name: string;
  neurons: number;
  maxAbs: number;
  meanAbs: number;
  /** |CE_faulty − CE_golden| per injection; null marks a non-finite output. */
  deltas: (number | null)[];
  /** Which injections changed the top-1 (default: none). */
  mismatches?: boolean[];
  /** Flipped bit per injection (default 0). */
  bits?: number[];
  /** Faulty value per injection (default 0.5), for the in-range share. */
  faulty?: number[];
}

/** What a hand-written run folder holds. */
export interface FixtureRun {
  head: string;
  backbone?: string;
  layers: FixtureLayer[];
  lastLayers: string[];
  labels: number[];
  preds: number[];
  top2diff: number[];
  meta?: Record<string, unknown>;
  format?: string;
  rangeDetector?: boolean;
  /** Tally summary.json as a bit-stratified campaign (32 strata of weight 1/32) would be. */
  stratified?: boolean;
}

/** A fresh temp folder for one test. */
export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `tgr-${label}-`));
}

/** Writes golden.json, meta.json and campaign/FORMAT/{faults.jsonl,summary.json} the way the runner lays them out. */
export function writeRun(dir: string, r: FixtureRun): string {
  mkdirSync(dir, { recursive: true });
  const n = r.labels.length;
  const layers: LayerProfile[] = r.layers.map((l) => ({
    name: l.name,
    tensor: l.name,
    opType: l.name.includes('conv') ? 'Conv' : 'Gemm',
    shape: [l.neurons],
    neurons: l.neurons,
    maxAbs: l.maxAbs,
    meanAbs: l.meanAbs,
  }));
  const correct = r.labels.filter((y, i) => r.preds[i] === y).length;
  const golden: GoldenRun = {
    model: {
      path: join(dir, 'model.onnx'),
      sha256: createHash('sha256').update(dir).digest('hex'),
      head: r.head,
      backbone: r.backbone ?? 'tiny',
    },
    dataset: { name: 'synthetic', split: 'test' },
    indices: r.labels.map((_, i) => i),
    labels: r.labels,
    preds: r.preds,
    losses: r.labels.map(() => 0.5),
    top2diff: r.top2diff,
    accuracy: correct / n,
    layers,
    lastLayers: r.lastLayers,
    numClasses: 3,
  };
  writeFileSync(join(dir, 'golden.json'), JSON.stringify(golden));
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({ head: r.head, backbone: r.backbone ?? 'tiny', dataset: 'synthetic', seed: 1, ...r.meta }),
  );
  const format = r.format ?? 'fp32';
  const campaign = join(dir, 'campaign', format);
  mkdirSync(campaign, { recursive: true });
  const records: InjectionRecord[] = [];
  for (const l of r.layers) {
    l.deltas.forEach((d, i) => {
      const mismatch = l.mismatches?.[i] ?? false;
      records.push({
        id: records.length,
        layer: l.name,
        image: i % n,
        index: i % l.neurons,
        bit: l.bits?.[i] ?? 0,
        original: 0.25,
        faulty: l.faulty?.[i] ?? 0.5,
        goldenTop1: 0,
        faultyTop1: mismatch ? 1 : 0,
        goldenLoss: 0.5,
        faultyLoss: d === null ? null : 0.5 + d,
        nonFinite: d === null,
      });
    });
  }
  writeFileSync(join(campaign, 'faults.jsonl'), records.map((x) => JSON.stringify(x)).join('\n') + '\n');
  // The summary as summarize() makes it from the same records (analysis falls back to it without faults.jsonl).
  const acc = new CampaignAccumulator(r.stratified ? { weights: new Array<number>(32).fill(1 / 32) } : {});
  for (const x of records) acc.add(x);
  const metrics = acc.layers(r.layers.map((l) => l.name));
  const neurons = new Map(r.layers.map((l) => [l.name, l.neurons]));
  const stats = (m: LayerMetrics, count: number): LayerStats => ({ ...m, neurons: count, n: m.injections });
  const lastParts = metrics.filter((m) => r.lastLayers.includes(m.layer));
  const last = lastParts.length
    ? combineLayers(
        r.lastLayers.join('+'),
        lastParts.map((m) => ({ metrics: m, neurons: neurons.get(m.layer)! })),
      )
    : null;
  const overall = overallMetrics(metrics, last, r.lastLayers);
  const summary: CampaignSummary = {
    model: r.head,
    format,
    errorModel: 'bit-flip',
    target: 'neurons',
    rangeDetector: r.rangeDetector ?? false,
    seed: 7,
    perLayer: Math.max(...r.layers.map((l) => l.deltas.length)),
    stratify: r.stratified ? 'bit' : 'none',
    tau: [...defaultTau],
    layers: metrics.map((m) => stats(m, neurons.get(m.layer)!)),
    lastLayer: stats(last ?? metricsFromStrata('last', [], defaultTau), 0),
    overall: { ...stats(overall, 0), slots: overall.slots },
  };
  writeFileSync(join(campaign, 'summary.json'), JSON.stringify(summary));
  return dir;
}

/** The hand-computed pair of compare.test.ts: baseline conv1 + fc, text-guided conv1 + latent + projection. */
export function handPair(root: string): { baseline: string; textGuided: string } {
  const common = { labels: [0, 1, 2, 0], top2diff: [10, 20, 30, 40] };
  const baseline = writeRun(join(root, 'base'), {
    ...common,
    head: 'linear',
    preds: [0, 1, 2, 1],
    lastLayers: ['fc'],
    layers: [
      { name: 'conv1', neurons: 8, maxAbs: 4, meanAbs: 1, deltas: [0.2, 0.4], mismatches: [true, false] },
      { name: 'fc', neurons: 3, maxAbs: 20, meanAbs: 6, deltas: [1, 3], mismatches: [true, true] },
    ],
  });
  const textGuided = writeRun(join(root, 'tg'), {
    ...common,
    head: 'text-guided',
    preds: [0, 1, 2, 0],
    lastLayers: ['head.latent', 'head.projection'],
    meta: { encoder: 'offline', descriptions: 'wordnet' },
    layers: [
      { name: 'conv1', neurons: 8, maxAbs: 3, meanAbs: 1, deltas: [0.1, 0.2] },
      { name: 'head.latent', neurons: 4, maxAbs: 2, meanAbs: 0.5, deltas: [0.2, 0.6], mismatches: [false, true] },
      { name: 'head.projection', neurons: 3, maxAbs: 5, meanAbs: 1, deltas: [0.5, 1.5] },
    ],
  });
  return { baseline, textGuided };
}

/**
 * A bigger synthetic pair for report tests: `images` images, a few conv layers, every bit flipped in every layer.
 * The text-guided model is made a bit more accurate, more confident and less sensitive, so every chart has data.
 */
export function syntheticPair(
  root: string,
  opts: { images?: number; perLayer?: number; seed?: number; stratified?: boolean } = {},
): { baseline: string; textGuided: string } {
  const rng = new Rng(opts.seed ?? 3);
  const n = opts.images ?? 40;
  const perLayer = opts.perLayer ?? 64;
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const model = (head: string, names: string[], last: string[], scale: number, acc: number): FixtureRun => ({
    head,
    ...(opts.stratified ? { stratified: true } : {}),
    labels,
    lastLayers: last,
    preds: labels.map((y) => (rng.next() < acc ? y : (y + 1) % 3)),
    top2diff: labels.map(() => Math.min(100, rng.next() * 60 + (1 - scale) * 30)),
    layers: names.map((name, li) => {
      const bits = Array.from({ length: perLayer }, (_, i) => i % 32);
      const big = (b: number) => (b === 30 ? 40 : b >= 23 ? 0.5 : 0.02);
      return {
        name,
        neurons: 16 * (li + 1),
        maxAbs: (li + 1) * 2 * scale,
        meanAbs: (li + 1) * 0.4 * scale,
        bits,
        deltas: bits.map((b) =>
          b === 30 && rng.next() < 0.1 ? null : big(b) * scale * (1 + li / names.length) * (0.5 + rng.next()),
        ),
        mismatches: bits.map((b) => b === 30 && rng.next() < scale * 0.8),
        faulty: bits.map((b) => (b === 30 ? 1e30 : 0.3)),
      };
    }),
  });
  const baseline = writeRun(join(root, 'base'), model('linear', ['conv1', 'conv2', 'conv3', 'fc'], ['fc'], 1, 0.8));
  const textGuided = writeRun(join(root, 'tg'), {
    ...model(
      'text-guided',
      ['conv1', 'conv2', 'conv3', 'head.latent', 'head.projection'],
      ['head.latent', 'head.projection'],
      0.5,
      0.85,
    ),
    meta: { encoder: 'offline', descriptions: 'wordnet' },
  });
  return { baseline, textGuided };
}

/** A tiny CNN (conv → relu → conv → relu → GAP → head) for CAM tests; the head's node name differs per model. */
export function tinyCnn(head: string, seed: number, classes = 3): Model {
  const rng = new Rng(seed);
  const r = (dims: number[]) =>
    f32(
      dims,
      Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.normal() * 0.5),
    );
  const b = new GraphBuilder(head);
  const x = b.input('input', 'float32', ['N', 1, 8, 8]);
  const c0 = b.relu(
    b.conv(x, b.initializer('conv1.w', r([4, 1, 3, 3])), undefined, { pads: [1, 1, 1, 1], name: 'conv1' }),
  );
  const c1 = b.relu(
    b.conv(c0, b.initializer('conv2.w', r([4, 4, 3, 3])), undefined, { pads: [1, 1, 1, 1], name: 'conv2' }),
  );
  const y = b.gemm(b.flatten(b.globalAveragePool(c1)), b.initializer(`${head}.w`, r([classes, 4])), undefined, {
    transB: 1,
    name: head,
  });
  b.output(y, 'logits');
  return b.finishModel();
}

/** Saves tiny CNNs as model.onnx in both run folders and returns images to explain (8×8, labels 0..n−1). */
export function addTinyModels(pair: { baseline: string; textGuided: string }, images = 2): CamInput[] {
  saveModel(tinyCnn('fc', 1), join(pair.baseline, 'model.onnx'));
  saveModel(tinyCnn('head.projection', 1), join(pair.textGuided, 'model.onnx'));
  const rng = new Rng(9);
  return Array.from({ length: images }, (_, index) => ({
    index,
    label: index % 3,
    tensor: f32(
      [1, 1, 8, 8],
      Array.from({ length: 64 }, () => rng.next()),
    ),
  }));
}
