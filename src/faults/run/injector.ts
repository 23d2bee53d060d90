import type { Model, TensorData } from '../../onnx/types.js';
import { numel } from '../../onnx/tensor.js';
import { cut, type CutGraphs } from '../../onnx/cut.js';
import { Session } from '../../engine/session.js';
import type { Classifier, ClassifierLayer } from '../model/classifier.js';
import {
  analyticForm,
  applyChain,
  normalizedRow,
  normalizedScores,
  type Analytic,
  type NormalizedRow,
} from './analytic.js';
import { changeDies, followSteps, type FollowStep } from './follow.js';
import type { Change } from './weights.js';

/** How a fault's scores were obtained. */
export type EvalPath = 'masked' | 'analytic' | 'suffix' | 'plain';

/** Golden activations of one unit's images, rows in `images` order. */
export interface UnitCache {
  images: readonly number[];
  /**
   * Each image's row, when the tensors hold more images than the unit's (SharedSessions keeps every golden image's);
   * else the row is the image's place in `images`.
   */
  rows?: ReadonlyMap<number, number>;
  pixels: Float32Array;
  /** Cached tensors as the forward pass returned them ([rows, …] for per-image tensors). */
  tensors: Record<string, TensorData>;
  /** Golden scores [rows, K]. */
  logits: Float32Array;
}

/** One fault to evaluate: the row (image) of the unit cache and the change to the layer output. */
export interface Fault {
  row: number;
  change: Change;
}

/** Row `r` of a per-image cached tensor. */
export function rowOf(t: TensorData, r: number): Float32Array {
  const per = numel(t.dims.slice(1));
  return (t.data as Float32Array).subarray(r * per, (r + 1) * per);
}

/**
 * Evaluates faults in one layer's output. Per fault it tries, in order: the analytic last-layer form, the
 * masked-fault check, and otherwise queues the fault for the suffix graph (the nodes downstream of the layer), which
 * runs once for all queued faults of a call — one fault per batch element.
 */
export class LayerInjector {
  readonly cut: CutGraphs;
  readonly steps: FollowStep[];
  readonly analytic: Analytic | undefined;
  /**
   * Carried tensors without a leading batch axis (shapes computed from the batch size, or activations in another
   * layout, as after a layer's batch-major view): the suffix must see the unit's images in their own rows.
   */
  readonly fixedBatch: boolean;
  private session: Session | undefined;
  private rows = new WeakMap<UnitCache, Map<number, NormalizedRow>>();

  constructor(
    private readonly clf: Classifier,
    private readonly model: Model,
    readonly layer: ClassifierLayer,
    private readonly opts: { threads?: number; shortcuts?: boolean } = {},
  ) {
    const g = model.graph;
    this.cut = cut(g, layer.tensor);
    const batchMajor = (t: string) => g.valueInfo.get(t)?.shape[0] === 'N';
    this.fixedBatch = this.cut.carried.some((t) => !batchMajor(t)) || layer.native !== undefined;
    const shortcuts = opts.shortcuts ?? true;
    this.steps = shortcuts ? followSteps(g, layer.tensor, layer.shape, new Set(this.cut.carried)) : [];
    this.analytic = shortcuts
      ? analyticForm(this.cut.suffix, layer.tensor, layer.shape, clf.output.classes)
      : undefined;
  }

  /** Tensors a unit must cache for this layer: its output and what its suffix carries. */
  get cachedTensors(): string[] {
    return [this.layer.tensor, ...this.cut.carried];
  }

  /** Faulty scores [faults, K] and the path each took. */
  async evaluate(cache: UnitCache, faults: readonly Fault[]): Promise<{ logits: Float32Array; paths: EvalPath[] }> {
    const K = this.clf.output.classes;
    const logits = new Float32Array(faults.length * K);
    const paths: EvalPath[] = [];
    const queue: number[] = [];
    const golden = cache.tensors[this.layer.tensor]!;
    faults.forEach((f, i) => {
      const out = logits.subarray(i * K, (i + 1) * K);
      const g = rowOf(golden, f.row);
      if (this.analytic?.kind === 'logit') {
        const chain = this.analytic.chain;
        out.set(cache.logits.subarray(f.row * K, (f.row + 1) * K));
        f.change.index.forEach((j, k) => (out[j] = applyChain(chain, j, f.change.value[k]!)));
        paths.push('analytic');
        return;
      }
      if (this.analytic?.kind === 'normalized') {
        const rows = this.rows.get(cache) ?? new Map<number, NormalizedRow>();
        this.rows.set(cache, rows);
        let nr = rows.get(f.row);
        if (!nr) rows.set(f.row, (nr = normalizedRow(this.analytic, g)));
        if (normalizedScores(this.analytic, g, nr, f.change.index, f.change.value, out)) {
          paths.push('analytic');
          return;
        }
      }
      const lookup = (t: string) => rowOf(cache.tensors[t]!, f.row);
      if (f.change.index.every((j, k) => changeDies(this.steps, j, g[j]!, f.change.value[k]!, lookup))) {
        out.set(cache.logits.subarray(f.row * K, (f.row + 1) * K));
        paths.push('masked');
        return;
      }
      paths.push('suffix');
      queue.push(i);
    });
    if (!this.fixedBatch && queue.length) {
      const out = await this.runSuffix(
        cache,
        queue.map((i) => faults[i]!),
        false,
      );
      queue.forEach((i, r) => logits.set(out.subarray(r * K, (r + 1) * K), i * K));
    }
    // A fixed batch runs the unit's images in their own rows (tensors in other layouts are fed as cached, so rows
    // cannot be reordered), one fault per image per run.
    for (const round of this.fixedBatch ? rounds(queue, (i) => faults[i]!.row) : []) {
      const out = await this.runSuffix(
        cache,
        round.map((i) => faults[i]!),
        true,
      );
      round.forEach((i) => logits.set(out.subarray(faults[i]!.row * K, (faults[i]!.row + 1) * K), i * K));
    }
    return { logits, paths };
  }

  /**
   * Runs the suffix on one row per fault, or, `inPlace`, on the unit's images in cache order with each fault in its
   * own image's row (at most one fault per row).
   */
  private async runSuffix(cache: UnitCache, faults: readonly Fault[], inPlace: boolean): Promise<Float32Array> {
    const n = inPlace ? cache.images.length : faults.length;
    const pick = (r: number) => (inPlace ? r : faults[r]!.row);
    const gather = (t: TensorData): TensorData => {
      const per = numel(t.dims.slice(1));
      const src = t.data as Float32Array;
      const data = new (src.constructor as Float32ArrayConstructor)(n * per);
      for (let r = 0; r < n; r++) data.set(src.subarray(pick(r) * per, (pick(r) + 1) * per), r * per);
      return { dtype: t.dtype, dims: [n, ...t.dims.slice(1)], data } as TensorData;
    };
    const feeds: Record<string, TensorData> = {};
    const x = gather(cache.tensors[this.layer.tensor]!);
    const per = numel(this.layer.shape);
    faults.forEach((f, r) =>
      f.change.index.forEach(
        (j, k) => ((x.data as Float32Array)[(inPlace ? f.row : r) * per + j] = f.change.value[k]!),
      ),
    );
    feeds[this.layer.tensor] = x;
    for (const t of this.cut.carried) {
      const v = cache.tensors[t]!;
      feeds[t] = !inPlace && this.model.graph.valueInfo.get(t)?.shape[0] === 'N' ? gather(v) : v;
    }
    for (const v of this.cut.suffix.inputs) {
      if (v.name !== this.clf.input.name) continue;
      feeds[v.name] = gather({
        dtype: 'float32',
        dims: [cache.images.length, ...this.clf.input.shape],
        data: cache.pixels,
      });
    }
    this.session ??= await Session.create(
      { ...this.model, graph: this.cut.suffix },
      { threads: this.opts.threads, label: `${this.clf.file} (after ${this.layer.name})`, spinning: false },
    );
    const out = await this.session.run(feeds);
    return out[this.clf.output.name]!.data as Float32Array;
  }

  /** Frees the suffix session. */
  async release(): Promise<void> {
    await this.session?.release();
    this.session = undefined;
  }
}

/** Splits `queue` into runs in which no two entries share a row, keeping order. */
function rounds(queue: readonly number[], rowOf: (i: number) => number): number[][] {
  const out: number[][] = [];
  const used: Set<number>[] = [];
  for (const i of queue) {
    const r = rowOf(i);
    let k = used.findIndex((u) => !u.has(r));
    if (k < 0) {
      k = out.length;
      out.push([]);
      used.push(new Set());
    }
    out[k]!.push(i);
    used[k]!.add(r);
  }
  return out;
}
