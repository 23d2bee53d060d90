import type { Model, TensorData } from '../../onnx/types.js';
import { numel } from '../../onnx/tensor.js';
import { Session } from '../../engine/session.js';
import { invariant } from '../../core/errors.js';
import type { Classifier } from '../model/classifier.js';
import type { Change } from './weights.js';

/**
 * The plain path: the whole model with a layer output's elements replaced, `T' = Where(mask, values, T)`, so the
 * replacement is exact (no rounding of golden + delta). It shares nothing with the runner's cut graphs, caches or
 * shortcuts, which is why tests hold the runner to it.
 */
export class PlainInjector {
  private constructor(
    private readonly session: Session,
    private readonly clf: Classifier,
    private readonly shape: readonly number[],
  ) {}

  /** Builds the model with the replacement at `tensor` (a layer output of `model`). */
  static async create(clf: Classifier, model: Model, tensor: string, threads?: number): Promise<PlainInjector> {
    const g = model.graph;
    const v = g.valueInfo.get(tensor);
    invariant(v, `no value info for '${tensor}'`);
    // The producer writes T.golden and the Where writes T, so consumers and a graph output named T (the scores, when
    // the layer is the last one) all see the replacement.
    const put = `${tensor}.golden`;
    const nodes = g.nodes.flatMap((n) =>
      n.outputs.includes(tensor)
        ? [
            { ...n, outputs: n.outputs.map((t) => (t === tensor ? put : t)) },
            {
              name: `${tensor}.injected`,
              opType: 'Where',
              inputs: ['tgr.fault_mask', 'tgr.fault_values', put],
              outputs: [tensor],
              attrs: {},
            },
          ]
        : [n],
    );
    const inputs = [
      ...g.inputs,
      { ...v, name: 'tgr.fault_mask', dtype: 'bool' as const },
      { ...v, name: 'tgr.fault_values' },
    ];
    const valueInfo = new Map(g.valueInfo).set(put, { ...v, name: put });
    const session = await Session.create(
      { ...model, graph: { ...g, nodes, inputs, valueInfo } },
      { threads, label: `${clf.file} (plain)`, spinning: false },
    );
    return new PlainInjector(session, clf, v.shape.slice(1) as number[]);
  }

  /** Scores [rows, K] of `pixels` (rows images) with each row's change applied. */
  async run(pixels: Float32Array, changes: readonly Change[]): Promise<Float32Array> {
    const rows = changes.length;
    const per = numel(this.shape);
    const mask = new Uint8Array(rows * per);
    const values = new Float32Array(rows * per);
    changes.forEach((c, r) =>
      c.index.forEach((i, k) => {
        mask[r * per + i] = 1;
        values[r * per + i] = c.value[k]!;
      }),
    );
    const dims = [rows, ...this.shape];
    const out = await this.session.run({
      [this.clf.input.name]: { dtype: 'float32', dims: [rows, ...this.clf.input.shape], data: pixels },
      'tgr.fault_mask': { dtype: 'bool', dims, data: mask },
      'tgr.fault_values': { dtype: 'float32', dims, data: values },
    });
    return out[this.clf.output.name]!.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * The plain path for weight faults: the whole model with the weight fed as an input, one fault per run — the
 * weight elements it changes (one, or a BFP block whose shared exponent flipped) set to their faulty values.
 */
export class WeightPlain {
  private constructor(
    private readonly session: Session,
    private readonly clf: Classifier,
    private readonly weight: TensorData,
    private readonly name: string,
  ) {}

  /** Builds the model with initializer `weight` turned into an input. */
  static async create(clf: Classifier, model: Model, weight: string, threads?: number): Promise<WeightPlain> {
    const g = model.graph;
    const w = g.initializers.get(weight);
    invariant(w, `no initializer '${weight}'`);
    const initializers = new Map(g.initializers);
    initializers.delete(weight);
    const inputs = [...g.inputs, { name: weight, dtype: w.dtype, shape: w.dims }];
    const session = await Session.create(
      { ...model, graph: { ...g, initializers, inputs } },
      { threads, label: `${clf.file} (weight ${weight})`, spinning: false },
    );
    return new WeightPlain(session, clf, w, weight);
  }

  /** Scores [rows, K] of `pixels` with weight elements `change.index` set to `change.value`. */
  async run(pixels: Float32Array, rows: number, change: Change): Promise<Float32Array> {
    const data = (this.weight.data as Float32Array).slice();
    change.index.forEach((i, k) => (data[i] = change.value[k]!));
    const out = await this.session.run({
      [this.clf.input.name]: { dtype: 'float32', dims: [rows, ...this.clf.input.shape], data: pixels },
      [this.name]: { dtype: 'float32', dims: this.weight.dims, data },
    });
    return out[this.clf.output.name]!.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
