import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { numel } from '../../onnx/tensor.js';
import { spreadIndices } from '../../data/spread.js';
import { Session } from '../../engine/session.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { check } from '../../core/errors.js';
import { removeStaleTemps } from '../../core/folder-lock.js';
import { progress } from '../../core/progress.js';
import type { Classifier } from '../model/classifier.js';
import { withOutputs } from '../model/exposed.js';
import type { ImageSet } from './images.js';
import { readRunFile, writeRunFile } from '../../run-folder/run-file.js';
import type { GoldenRun, LayerProfile } from '../store/records.js';
import { scoreRow } from '../../stats/scores.js';

export interface GoldenOptions {
  classifier: Classifier;
  images: ImageSet;
  /** Dataset indices to evaluate; default: `limit` images spread evenly over the split (all by default). */
  indices?: readonly number[];
  limit?: number;
  batchSize?: number;
  threads?: number;
  /**
   * Most bytes of layer outputs one ORT run returns; a batch needing more runs in several runs of fewer images, with
   * results identical to one run. Default `exposedBudget`.
   */
  exposedBytes?: number;
  /** Where to write golden.json (atomically); not written when omitted. */
  out?: string;
  quiet?: boolean;
}

/**
 * The fault-free run: per image label, prediction, cross-entropy and Top2Diff, and per layer max/mean |activation|
 * profiled on the same images (the range detector's bounds and the int8 scales). Forward passes return the scores
 * and every layer output, a batch split over as many runs as keep those outputs within `exposedBytes`.
 */
export async function goldenRun(opts: GoldenOptions): Promise<GoldenRun> {
  const { classifier: clf, images } = opts;
  const batchSize = opts.batchSize ?? 128;
  // A golden pass killed while writing leaves NAME.tmp-PID (the activations can be large): its successor removes them.
  if (opts.out) removeStaleTemps(dirname(opts.out), [basename(opts.out), activationsFile]);
  check(
    images.shape.join(',') === clf.input.shape.join(','),
    'bad_data',
    () =>
      `${images.name}: images are [${images.shape.join(',')}] but ${clf.file} expects [${clf.input.shape.join(',')}] — pass --input-shape or a matching dataset`,
  );
  const indices = opts.indices ? [...opts.indices] : [...spreadIndices(images.size, opts.limit ?? images.size)];
  check(indices.length > 0, 'bad_data', () => `${images.name} (${images.split}): no images to evaluate`);
  const K = clf.output.classes;
  const small = smallTensors(clf);
  const kept = small.map((t) => new Float32Array(indices.length * t.size));
  const session = await Session.create(
    withOutputs(clf.model, [...clf.layers.map((l) => l.tensor), ...small.map((t) => t.name)]),
    { threads: opts.threads, label: clf.file, spinning: false },
  );
  const labels: number[] = [];
  const preds: number[] = [];
  const losses: number[] = [];
  const top2diff: number[] = [];
  const maxAbs = new Float64Array(clf.layers.length);
  const sumAbs = new Float64Array(clf.layers.length);
  const scoreMaxAbs = new Array<number>(K).fill(0);
  const imageSize = numel(clf.input.shape);
  const perRun = imagesPerRun(clf, small, batchSize, opts.exposedBytes ?? exposedBudget);
  const bar = progress({ label: 'golden', total: indices.length, unit: 'img', quiet: opts.quiet });
  try {
    for (let s = 0; s < indices.length; s += batchSize) {
      const batch = indices.slice(s, s + batchSize);
      const x = await images.pixels(batch);
      // The batch's per-layer sums run on across its runs, so they add in the order one run of the batch adds them.
      const sums = new Float64Array(clf.layers.length);
      for (let c = 0; c < batch.length; c += perRun) {
        const rows = batch.slice(c, c + perRun);
        const out = await session.run({
          [clf.input.name]: {
            dtype: 'float32',
            dims: [rows.length, ...clf.input.shape],
            data: x.subarray(c * imageSize, (c + rows.length) * imageSize),
          },
        });
        const logits = out[clf.output.name]!.data as Float32Array;
        rows.forEach((img, r) => {
          const label = images.labels[img]!;
          check(
            Number.isInteger(label) && label >= 0 && label < K,
            'bad_data',
            () => `${images.name}: image ${img} has label ${label}, but ${clf.file} scores ${K} classes`,
          );
          const sc = scoreRow(logits, r, K, label);
          for (let k = 0; k < K; k++) {
            const a = Math.abs(logits[r * K + k]!);
            if (a > scoreMaxAbs[k]! && a !== Infinity) scoreMaxAbs[k] = a;
          }
          labels.push(label);
          preds.push(sc.top1);
          losses.push(sc.loss);
          top2diff.push(sc.top2diff);
        });
        clf.layers.forEach((l, i) => {
          const a = out[l.tensor]!.data as Float32Array;
          let m = maxAbs[i]!;
          let sum = sums[i]!;
          for (let k = 0; k < a.length; k++) {
            const av = Math.abs(a[k]!);
            if (av > m && av !== Infinity) m = av;
            sum += av;
          }
          maxAbs[i] = m;
          sums[i] = sum;
        });
        small.forEach((t, k) => kept[k]!.set(out[t.name]!.data as Float32Array, (s + c) * t.size));
        bar.tick(rows.length);
      }
      sums.forEach((sum, i) => (sumAbs[i] += sum));
    }
  } finally {
    bar.done();
    await session.release();
  }
  const layers: LayerProfile[] = clf.layers.map((l, i) => ({
    name: l.name,
    tensor: l.tensor,
    opType: l.opType,
    shape: l.shape,
    neurons: l.neurons,
    maxAbs: maxAbs[i]!,
    meanAbs: sumAbs[i]! / (l.neurons * indices.length),
  }));
  const correct = preds.filter((p, i) => p === labels[i]).length;
  const golden: GoldenRun = {
    model: {
      path: clf.file,
      sha256: clf.sha256,
      head: clf.head,
      ...(clf.backbone ? { backbone: clf.backbone } : {}),
      ...(clf.emulated ? { emulated: clf.emulated } : {}),
    },
    dataset: {
      name: images.name,
      split: images.split,
      ...(images.fit ? { fit: images.fit } : {}),
      ...(images.labelMap ? { labelMap: images.labelMap } : {}),
    },
    indices,
    labels,
    preds,
    losses,
    top2diff,
    accuracy: correct / indices.length,
    layers,
    lastLayers: clf.lastLayers,
    numClasses: K,
    scoreMaxAbs,
  };
  if (opts.out) {
    const file = activationsFile;
    writeFileAtomic(
      join(dirname(opts.out), file),
      Buffer.concat(kept.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))),
    );
    golden.activations = { file, tensors: small };
    writeRunFile('golden', opts.out, golden);
  }
  return golden;
}

/**
 * Bytes of exposed outputs one golden run aims to stay under. Every layer output is a graph output, and ORT hands
 * each back in a fresh buffer: at 224×224 a batch of 128 is gigabytes per run, and the allocation and cache misses cost
 * more than the forward itself (bench/RESULTS.md, "Golden pass"). Smaller runs keep it in cache.
 */
const exposedBudget = 16 * 2 ** 20;

/** Images per ORT run: as many of a batch as keep the exposed layer outputs within `budget` bytes (at least one). */
export function imagesPerRun(
  clf: Pick<Classifier, 'layers'>,
  small: readonly { size: number }[],
  batchSize: number,
  budget: number,
): number {
  const perImage = 4 * (clf.layers.reduce((s, l) => s + l.neurons, 0) + small.reduce((s, t) => s + t.size, 0));
  return Math.max(1, Math.min(batchSize, Math.floor(budget / perImage)));
}

/** The file beside golden.json that holds the kept activations. */
const activationsFile = 'golden-activations.bin';

/** Per-image tensors of at most this many values are kept from the golden pass (scores, last layers, their inputs). */
const smallLimit = 4096;

/** The scores, and the outputs and inputs of layers, whose per-image size is at most `smallLimit`. */
function smallTensors(clf: Classifier): { name: string; size: number }[] {
  const g = clf.model.graph;
  const sizeOf = (t: string) => {
    const v = g.valueInfo.get(t) ?? g.outputs.find((o) => o.name === t);
    const dims = v?.shape.slice(1);
    return v?.shape[0] === 'N' && dims!.every((d) => typeof d === 'number') ? numel(dims as number[]) : Infinity;
  };
  const names = [clf.output.name, ...clf.layers.flatMap((l) => [l.tensor, l.input])].filter(
    (t) => t !== clf.input.name,
  );
  return [...new Set(names)].map((name) => ({ name, size: sizeOf(name) })).filter((t) => t.size <= smallLimit);
}

/** The small activations a golden run kept (tensor name → rows aligned with `golden.indices`), if it kept any. */
export function readGoldenActivations(
  goldenPath: string,
  golden: GoldenRun,
): Map<string, { size: number; data: Float32Array }> {
  const out = new Map<string, { size: number; data: Float32Array }>();
  const a = golden.activations;
  if (!a) return out;
  const path = join(dirname(goldenPath), a.file);
  const rows = golden.indices.length;
  const want = a.tensors.reduce((s, t) => s + t.size * rows * 4, 0);
  const bytes = existsSync(path) ? readFileSync(path) : undefined;
  check(
    bytes && bytes.length === want,
    'bad_file',
    () =>
      `${path}: expected ${want} bytes of golden activations, found ${bytes?.length ?? 'no file'} — delete golden.json and re-run`,
  );
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  let o = 0;
  for (const t of a.tensors) {
    out.set(t.name, { size: t.size, data: all.subarray(o, o + t.size * rows) });
    o += t.size * rows;
  }
  return out;
}

/** Dataset indices of the injection pool: correctly classified images with Top2Diff > 0 (DESIGN.md). */
export function goldenPool(golden: GoldenRun): number[] {
  return golden.indices.filter((_, i) => golden.preds[i] === golden.labels[i] && golden.top2diff[i]! > 0);
}

/** Reads golden.json through its schema (src/run-folder/golden.ts): a damaged or foreign file is one line. */
export function readGolden(path: string): GoldenRun {
  return readRunFile('golden', path);
}
