import type { Model, Node, TensorData, ValueInfo } from '../../onnx/types.js';
import { dtypeCodes } from '../../onnx/dtypes.js';
import { axesAsInput } from '../../onnx/opsets.js';
import { attr } from '../../onnx/types.js';
import { invariant } from '../../core/errors.js';

/** Graph outputs holding one layer output's per-image reductions, each [N]. */
export interface LayerReduction {
  /** The layer output reduced. */
  tensor: string;
  /** max x (float32; exact in any order). */
  max: string;
  /** min x (float32; with `max`, max |x| = max(max, −min) exactly). */
  min: string;
  /** Σ |x| in float64, over the image's values (the per-image part of the layer's mean |activation|). */
  sumAbs: string;
}

/**
 * The model with, for each of `layers`, its output's per-image max, min and float64 sum of |x| computed inside the
 * graph as extra [N] outputs. A golden pass then takes a few numbers per image and layer out of ONNX Runtime instead
 * of every layer value (docs/ARCHITECTURE.md, "Golden run").
 */
export function withReductions(
  model: Model,
  layers: readonly { tensor: string; shape: readonly number[] }[],
): { model: Model; reductions: LayerReduction[] } {
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
    // Every axis but the batch: one value per image.
    const axes = l.shape.map((_, k) => k + 1);
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
    const r = { tensor: l.tensor, max: fresh(`${p}.max`), min: fresh(`${p}.min`), sumAbs: fresh(`${p}.sum_abs`) };
    const wide = fresh(`${p}.f64`);
    nodes.push(
      reduce('ReduceMax', l.tensor, r.max),
      reduce('ReduceMin', l.tensor, r.min),
      { name: wide, opType: 'Cast', inputs: [l.tensor], outputs: [wide], attrs: { to: attr.int(dtypeCodes.float64) } },
      reduce('ReduceL1', wide, r.sumAbs),
    );
    outputs.push(
      { name: r.max, dtype: 'float32', shape: ['N'] },
      { name: r.min, dtype: 'float32', shape: ['N'] },
      { name: r.sumAbs, dtype: 'float64', shape: ['N'] },
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
