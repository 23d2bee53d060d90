import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { spreadIndices } from '../../data/spread.js';
import { Session } from '../../engine/session.js';
import { openAtomicFile } from '../../core/atomic-write.js';
import { check, invariant } from '../../core/errors.js';
import { removeStaleTemps } from '../../core/folder-lock.js';
import { progress } from '../../core/progress.js';
import type { Classifier } from '../model/classifier.js';
import { withOutputs } from '../model/exposed.js';
import { withReductions } from './golden-reductions.js';
import { LayerProfiler } from './golden-profile.js';
import { LayerValues } from './layer-values.js';
import { keptTensors, perImageValues } from './kept-tensors.js';
import type { ImageSet } from './images.js';
import { readRunFile, writeRunFile } from '../../run-folder/run-file.js';
import { runFolderFiles } from '../../run-folder/file-names.js';
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
   * Most bytes of layer outputs one ORT run makes; a batch needing more runs in several runs of fewer images, with
   * results identical to one run. Default `runBudget` (`exposedRunBudget` for profile 'js').
   */
  runBytes?: number;
  /**
   * Where the per-layer max/mean |activation| are computed: 'graph' (default) reduces each layer output inside the
   * ORT graph, so only a few numbers per image leave it; 'js' exposes every layer output and reduces it in JS (the
   * slower reference the graph's reductions are tested against).
   */
  profile?: GoldenProfile;
  /**
   * Tensors to keep in golden-activations.bin (each with a batch axis and fixed per-image size); default
   * `keptTensors`, what the runner can serve units from.
   */
  keep?: readonly string[];
  /** Where to write golden.json (atomically); not written when omitted. */
  out?: string;
  quiet?: boolean;
}

/** Where a golden pass reduces layer outputs to their max/mean |activation| (`GoldenOptions.profile`). */
export type GoldenProfile = 'graph' | 'js';

/**
 * The fault-free run: per image label, prediction, cross-entropy and Top2Diff, and per layer max/mean |activation|
 * profiled on the same images (the range detector's bounds and the int8 scales). Forward passes return the scores,
 * the tensors kept in golden-activations.bin (`keptTensors`), and per layer either its output's per-image
 * reductions computed in the graph or (a layer output kept anyway, or profile 'js') the output itself; a batch is
 * split over as many runs as keep its layer outputs within `runBytes`.
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
  const keep = opts.keep ? opts.keep.map((name) => ({ name, size: perImageValues(clf, name) })) : keptTensors(clf);
  invariant(
    keep.every((t) => Number.isFinite(t.size)),
    'kept tensors have a batch axis and a fixed per-image size',
  );
  // The kept tensors go to their file run by run (tensor-major, rows in image order), only when there is a file:
  // held whole they are gigabytes at 10,000 images, and filling fresh pages cost more than the forward passes.
  const keptAt = keep.map((_, k) => keep.slice(0, k).reduce((o, t) => o + 4 * t.size * indices.length, 0));
  const profile = opts.profile ?? 'graph';
  // A layer output kept anyway costs nothing more to reduce in JS, and keeps its float64 sum in the order it had.
  const keptNames = new Set(keep.map((t) => t.name));
  const inGraph = clf.layers.flatMap((l, i) => (profile === 'graph' && !keptNames.has(l.tensor) ? [i] : []));
  const inJs = clf.layers.flatMap((_, i) => (inGraph.includes(i) ? [] : [i]));
  const { model, reductions } = withReductions(
    clf.model,
    inGraph.map((i) => clf.layers[i]!),
  );
  const session = await Session.create(
    withOutputs(model, [...inJs.map((i) => clf.layers[i]!.tensor), ...keep.map((t) => t.name)]),
    { threads: opts.threads, label: clf.file, spinning: false },
  );
  // Images whose reductions met ±Inf or NaN are profiled from their values, in a session made only if one does.
  const values = new LayerValues(
    clf,
    inGraph.map((i) => clf.layers[i]!.tensor),
    { threads: opts.threads, label: clf.file, spinning: false },
  );
  const labels: number[] = [];
  const preds: number[] = [];
  const losses: number[] = [];
  const top2diff: number[] = [];
  const profiler = new LayerProfiler(clf.layers.length);
  const scoreMaxAbs = new Array<number>(K).fill(0);
  const perRun = imagesPerRun(
    clf,
    keep,
    batchSize,
    opts.runBytes ?? (profile === 'graph' ? runBudget : exposedRunBudget),
  );
  const bar = progress({ label: 'golden', total: indices.length, unit: 'img', quiet: opts.quiet });
  const kept = opts.out ? openAtomicFile(join(dirname(opts.out), activationsFile)) : undefined;
  try {
    for (let s = 0; s < indices.length; s += batchSize) {
      const batch = indices.slice(s, s + batchSize);
      for (let c = 0; c < batch.length; c += perRun) {
        const rows = batch.slice(c, c + perRun);
        // A run's pixels, not the batch's: a fresh buffer of a whole batch at 224×224 costs page faults on every
        // page, while one of a run's size is reused from the allocator's free memory.
        const x = await images.pixels(rows);
        const out = await session.run({
          [clf.input.name]: { dtype: 'float32', dims: [rows.length, ...clf.input.shape], data: x },
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
        for (const i of inJs) profiler.addValues(i, out[clf.layers[i]!.tensor]!.data as Float32Array);
        const red = (t: string) => out[t]!.data;
        const bad = reductions.map((r, j) => {
          const i = inGraph[j]!;
          const images = profiler.addReduced(
            i,
            r.channels,
            red(r.max) as Float32Array,
            red(r.min) as Float32Array,
            red(r.sumAbs) as Float64Array,
          );
          return [i, images] as const;
        });
        await values.redo(x, bad, (i, v) => profiler.addValues(i, v));
        if (kept)
          keep.forEach((t, k) => {
            const a = out[t.name]!.data as Float32Array;
            kept.writeAt(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), keptAt[k]! + 4 * (s + c) * t.size);
          });
        bar.tick(rows.length);
      }
      profiler.endBatch();
    }
    kept?.commit();
  } catch (e) {
    kept?.abort();
    throw e;
  } finally {
    bar.done();
    await session.release();
    await values.release();
  }
  const layers: LayerProfile[] = clf.layers.map((l, i) => ({
    name: l.name,
    tensor: l.tensor,
    opType: l.opType,
    shape: l.shape,
    neurons: l.neurons,
    maxAbs: profiler.maxAbs[i]!,
    meanAbs: profiler.sumAbs[i]! / (l.neurons * indices.length),
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
    golden.activations = { file: activationsFile, tensors: keep };
    writeRunFile('golden', opts.out, golden);
  }
  return golden;
}

/**
 * Bytes of layer outputs one golden run aims to stay under, with the layers reduced in the graph: each output is
 * written once and read by three reductions, which stay in cache in runs of a few 224×224 images; past that, and
 * below it (one image per run leaves ORT's threads idle at every small op), the pass is slower (bench/RESULTS.md,
 * "Golden pass").
 */
export const runBudget = 48 * 2 ** 20;

/**
 * The same with every layer output exposed (profile 'js'): ORT hands each back in a fresh buffer, and at 224×224 the
 * allocation and cache misses of more than one image per run cost more than the forward itself.
 */
export const exposedRunBudget = 16 * 2 ** 20;

/** Images per ORT run: as many of a batch as keep the layer outputs and kept tensors within `budget` bytes (≥ 1). */
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
const activationsFile = runFolderFiles.goldenActivations;

/** The activations a golden run kept (tensor name → rows aligned with `golden.indices`), if it kept any. */
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
  // A Buffer this large owns its memory from offset 0; a small one may sit unaligned in Node's pool and is copied.
  const all =
    bytes.byteOffset % 4 === 0
      ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
      : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
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
