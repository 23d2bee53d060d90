import type { Model, Node, TensorData, ValueInfo } from '../../onnx/types.js';
import { dtypeCodes } from '../../onnx/dtypes.js';
import { axesAsInput } from '../../onnx/opsets.js';
import { attr } from '../../onnx/types.js';
import { invariant } from '../../core/errors.js';

/** Graph outputs holding one layer output's per-image, per-channel reductions, each [N, channels]. */
export interface LayerReduction {
  /** The layer output reduced. */
  tensor: string;
  /** Values per image in each output: the layer's channels (its first per-image axis), 1 for a vector. */
  channels: number;
  /** max x (float32; exact in any order). */
  max: string;
  /** min x (float32; with `max`, max |x| = max(max, −min) exactly). */
  min: string;
  /** Σ |x| in float64 (the channel's part of the layer's mean |activation|), or in float32 if asked. */
  sumAbs: string;
}

/** How `withReductions` sums |x|: 'float32' only for a caller that just checks the sum is finite (no Cast). */
export interface ReductionOptions {
  /**
   * 'float64' (default) casts each layer output to double first, for the mean |activation|. 'float32' sums the
   * values as they are, without the Cast's doubled copy: a ±Inf or NaN still makes the sum non-finite (the one sign of
   * a NaN that ReduceMax/ReduceMin may skip), and a sum overflowing from finite values only sends an image to its
   * values needlessly.
   */
  sumAbs?: 'float64' | 'float32';
}

/**
 * The model with, for each of `layers`, its output's max, min and sum of |x| (float64 unless `opts.sumAbs`) per
 * image and channel computed inside the graph as extra [N, channels] outputs. A golden pass then takes a few numbers
 * per image and layer out of ONNX Runtime instead of every layer value (docs/ARCHITECTURE.md, "Golden run"). Per
 * channel rather than per image, so each reduction has as many rows as a batch has channels for ORT's threads to
 * share, even in a run of one image.
 */
export function withReductions(
  model: Model,
  layers: readonly { tensor: string; shape: readonly number[] }[],
  opts: ReductionOptions = {},
): { model: Model; reductions: LayerReduction[] } {
  const wide = (opts.sumAbs ?? 'float64') === 'float64';
  const g = model.graph;
  const taken = new Set([...g.initializers.keys(), ...g.valueInfo.keys(), ...g.nodes.flatMap((n) => n.outputs)]);
  const fresh = (name: string) => {
    invariant(!taken.has(name), `golden reductions: the model already has a tensor named '${name}'`);
    taken.add(name);
    return name;
  };
  const nodes: Node[] = [];
  const outputs: ValueInfo[] = [];
  const initializers = new Map<string, TensorData>();
  const reductions = layers.map((l, i): LayerReduction => {
    const p = `tgr.golden.${i}`;
    // Every axis after the channel's (axis 1); a vector per image is reduced whole.
    const axes = l.shape.length > 1 ? l.shape.slice(1).map((_, k) => k + 2) : [1];
    const channels = l.shape.length > 1 ? l.shape[0]! : 1;
    let axesName: string | undefined;
    const reduce = (op: 'ReduceMax' | 'ReduceMin' | 'ReduceL1', x: string, out: string): Node => {
      const asInput = axesAsInput(op, model.opset);
      if (asInput && !axesName) {
        axesName = fresh(`${p}.axes`);
        initializers.set(axesName, { dtype: 'int64', dims: [axes.length], data: BigInt64Array.from(axes, BigInt) });
      }
      return {
        name: out,
        opType: op,
        inputs: asInput ? [x, axesName!] : [x],
        outputs: [out],
        attrs: { keepdims: attr.int(0), ...(asInput ? {} : { axes: attr.ints(axes) }) },
      };
    };
    const r = {
      tensor: l.tensor,
      channels,
      max: fresh(`${p}.max`),
      min: fresh(`${p}.min`),
      sumAbs: fresh(`${p}.sum_abs`),
    };
    const shape = l.shape.length > 1 ? ['N', channels] : ['N'];
    nodes.push(reduce('ReduceMax', l.tensor, r.max), reduce('ReduceMin', l.tensor, r.min));
    if (wide) {
      const f64 = fresh(`${p}.f64`);
      nodes.push(
        { name: f64, opType: 'Cast', inputs: [l.tensor], outputs: [f64], attrs: { to: attr.int(dtypeCodes.float64) } },
        reduce('ReduceL1', f64, r.sumAbs),
      );
    } else nodes.push(reduce('ReduceL1', l.tensor, r.sumAbs));
    outputs.push(
      { name: r.max, dtype: 'float32', shape },
      { name: r.min, dtype: 'float32', shape },
      { name: r.sumAbs, dtype: wide ? 'float64' : 'float32', shape },
    );
    return r;
  });
  return {
    model: {
      ...model,
      graph: {
        ...g,
        nodes: [...g.nodes, ...nodes],
        outputs: [...g.outputs, ...outputs],
        initializers: new Map([...g.initializers, ...initializers]),
      },
    },
    reductions,
  };
}
