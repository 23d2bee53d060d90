import { attr, type Graph, type Model, type Node } from '../../onnx/types.js';
import { f32 } from '../../onnx/tensor.js';
import { clipBoundsAsInputs } from '../../onnx/opsets.js';

/**
 * The range detector (GoldenEye's default, off by default here): every layer output is checked against the layer's
 * profiled max |activation|, and a value that is non-finite or beyond it is clamped to ±max. ONNX Clip leaves NaN as
 * NaN and NaN has no sign to clamp by, so NaN becomes +max (`Where(IsNaN(x), max, Clip(x, −max, max))`).
 */
export function rangeClamp(x: number, max: number): number {
  if (Number.isNaN(x)) return max;
  return x > max ? max : x < -max ? -max : x;
}

/**
 * The graph with the detector after each given layer output (tensor → bound). The layer now writes `T.raw` and the
 * detector writes `T`, so names, consumers and outputs stay as they were and faults still land in `T`: the runner
 * clamps a faulty value itself, and the layers after it are checked by the graph, so a fault's propagated effect is
 * clamped as a detector on every layer clamps it.
 */
export function withRangeDetector(g: Graph, bounds: ReadonlyMap<string, number>, opset: number): Graph {
  const initializers = new Map(g.initializers);
  const valueInfo = new Map(g.valueInfo);
  const nodes: Node[] = [];
  for (const n of g.nodes) {
    const checked = n.outputs.filter((o) => bounds.has(o));
    nodes.push({ ...n, outputs: n.outputs.map((o) => (bounds.has(o) ? `${o}.raw` : o)) });
    for (const t of checked) {
      const max = bounds.get(t)!;
      const v = valueInfo.get(t)!;
      const name = (suffix: string) => `${t}.${suffix}`;
      initializers.set(name('range_min'), f32([], [-max]));
      initializers.set(name('range_max'), f32([], [max]));
      for (const k of ['raw', 'range_clip']) valueInfo.set(name(k), { ...v, name: name(k) });
      valueInfo.set(name('range_nan'), { ...v, name: name('range_nan'), dtype: 'bool' });
      nodes.push(
        clipBoundsAsInputs(opset)
          ? {
              name: name('range_clip'),
              opType: 'Clip',
              inputs: [name('raw'), name('range_min'), name('range_max')],
              outputs: [name('range_clip')],
              attrs: {},
            }
          : {
              name: name('range_clip'),
              opType: 'Clip',
              inputs: [name('raw')],
              outputs: [name('range_clip')],
              attrs: { min: attr.float(-max), max: attr.float(max) },
            },
        { name: name('range_nan'), opType: 'IsNaN', inputs: [name('raw')], outputs: [name('range_nan')], attrs: {} },
        {
          name: name('range_check'),
          opType: 'Where',
          inputs: [name('range_nan'), name('range_max'), name('range_clip')],
          outputs: [t],
          attrs: {},
        },
      );
    }
  }
  return { ...g, nodes, initializers, valueInfo };
}

/** The model a campaign runs: with the detector on every profiled layer output when `on`, else the model itself. */
export function modelWithDetector(
  model: Model,
  layers: readonly { tensor: string; maxAbs: number }[],
  on: boolean,
): Model {
  if (!on) return model;
  const bounds = new Map(layers.map((l) => [l.tensor, l.maxAbs]));
  return { ...model, graph: withRangeDetector(model.graph, bounds, model.opset) };
}
