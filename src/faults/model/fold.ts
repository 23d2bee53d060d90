import type { Model, Node } from '../../onnx/types.js';
import { Session } from '../../engine/session.js';

// Ops whose output is not a function of their inputs; never folded.
const random = new Set([
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Multinomial',
  'Bernoulli',
  'Dropout',
]);

/**
 * Folds the nodes that compute from initializers only (exp(logit_scale), reshaped or transposed weights) into
 * initializers, by running them once in ONNX Runtime. Without this, a cut would carry such a value across as if it
 * were an activation (it has no batch axis), and the analytic last-layer forms would not see the constants they need.
 */
export async function foldConstants(model: Model): Promise<Model> {
  const g = model.graph;
  const constant = new Set(g.initializers.keys());
  const folded: Node[] = [];
  for (const n of g.nodes) {
    const ins = n.inputs.filter(Boolean);
    if (ins.length === 0 || random.has(n.opType) || !ins.every((t) => constant.has(t))) continue;
    folded.push(n);
    for (const o of n.outputs) if (o) constant.add(o);
  }
  if (folded.length === 0) return model;
  const foldedSet = new Set(folded);
  const keep = g.nodes.filter((n) => !foldedSet.has(n));
  const needed = new Set([...keep.flatMap((n) => n.inputs), ...g.outputs.map((o) => o.name)]);
  const wanted = folded.flatMap((n) => n.outputs).filter((o) => o && needed.has(o));
  const initializers = new Map(g.initializers);
  if (wanted.length > 0) {
    const info = (t: string) =>
      g.valueInfo.get(t) ?? { name: t, dtype: 'float32' as const, shape: [], rankUnknown: true };
    const sub: Model = {
      ...model,
      graph: { ...g, nodes: folded, inputs: [], outputs: wanted.map(info), valueInfo: new Map() },
    };
    const session = await Session.create(sub, { threads: 1, label: `${g.name} (constants)` });
    const out = await session.run({});
    await session.release();
    for (const t of wanted) initializers.set(t, out[t]!);
  }
  const valueInfo = new Map([...g.valueInfo].filter(([k]) => !initializers.has(k)));
  return { ...model, graph: { ...g, nodes: keep, initializers, valueInfo } };
}
