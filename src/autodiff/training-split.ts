/**
 * A training step cut in two for data-parallel training: a gradient graph that each replica runs on its share of the
 * batch (forward, loss, gradients; no optimizer), and an update graph that applies the replicas' averaged gradients.
 * Both are cut from one training graph built with `gradOutputs`, so the update is the very same optimizer emission.
 */
import type { Graph, Model, ValueInfo } from '../onnx/types.js';
import { invariant } from '../core/errors.js';
import { pruneGraph } from './prune.js';
import type { TrainingGraph } from './training-graph-types.js';

/** The two halves of a training step (see the module comment) and the names that cross between them. */
export interface SplitTrainingStep {
  /**
   * Inputs: image batch, labels, parameters, buffers. Outputs: loss, logits, `P.grad` per parameter, `B.next` per
   * buffer.
   */
  grad: Model;
  /**
   * Inputs: parameters, optimizer state, `P.grad` per parameter, lr, step. Outputs: `P.next` and each state's `.next`.
   */
  update: Model;
}

/** The graph restricted to `outputs`, with the nodes and inputs nothing of them needs dropped. */
function restrict(g: Graph, outputs: ValueInfo[]): Graph {
  const pruned = pruneGraph({ ...g, outputs });
  const used = new Set([...pruned.nodes.flatMap((n) => n.inputs), ...outputs.map((o) => o.name)]);
  return { ...pruned, inputs: g.inputs.filter((v) => used.has(v.name)) };
}

/** Splits a training graph built with `gradOutputs: true` into its gradient graph and its update graph. */
export function splitTrainingGraph(tg: TrainingGraph): SplitTrainingStep {
  const g = tg.model.graph;
  const gradName = (p: string) => `${p}.grad`;
  const out = (name: string) => {
    const o = g.outputs.find((v) => v.name === name);
    invariant(o, `training graph has no output ${name} (build it with gradOutputs to split it)`);
    return o;
  };
  const gradOutputs = [
    out(tg.outputs.loss),
    out(tg.outputs.logits),
    ...tg.params.map((p) => out(gradName(p.name))),
    ...tg.buffers.map((b) => out(`${b.name}.next`)),
  ];
  const grad = restrict(g, gradOutputs);

  // The update reads each gradient from an input of its own: consumers of the internal gradient tensor (the
  // optimizer's nodes; a parameter's gradient feeds nothing else) read `P.grad` instead, which cuts the backward off.
  const internal = new Map<string, string>();
  for (const p of tg.params) {
    const id = g.nodes.find((n) => n.opType === 'Identity' && n.outputs[0] === gradName(p.name));
    invariant(id, `training graph has no Identity for ${gradName(p.name)}`);
    internal.set(id.inputs[0]!, gradName(p.name));
  }
  const nodes = g.nodes
    .filter((n) => !(n.opType === 'Identity' && internal.has(n.inputs[0]!)))
    .map((n) =>
      n.inputs.some((x) => internal.has(x)) ? { ...n, inputs: n.inputs.map((x) => internal.get(x) ?? x) } : n,
    );
  const gradInputs: ValueInfo[] = tg.params.map((p) => {
    const v = g.inputs.find((i) => i.name === p.name);
    invariant(v, `training graph has no input ${p.name}`);
    return { ...v, name: gradName(p.name) };
  });
  const updateOutputs = [...tg.params.map((p) => out(`${p.name}.next`)), ...tg.state.map((s) => out(`${s.name}.next`))];
  const update = restrict({ ...g, nodes, inputs: [...g.inputs, ...gradInputs] }, updateOutputs);
  return {
    grad: { ...tg.model, graph: { ...grad, name: `${g.name}.grad` } },
    update: { ...tg.model, graph: { ...update, name: `${g.name}.update` } },
  };
}

/** The names the update-then-gradient graph adds to the two halves' (see `fuseUpdateIntoGrad`). */
export const fusedNames = {
  /** The previous step's averaged gradient of parameter `p`, fed in (the gradient output keeps `p.grad`). */
  gradIn: (p: string) => `${p}.grad.in`,
  /** The parameter value the forward reads: `p.next` when the update applies, `p` as fed when it does not. */
  used: (p: string) => `${p}.used`,
  /** Scalar bool input: whether to apply the fed update before the forward. */
  apply: 'apply_update',
} as const;

/**
 * One graph for "apply step t's averaged gradients, then run step t+1's gradient graph": the update graph's nodes
 * (reading `fusedNames.gradIn(P)`) followed by the gradient graph's, whose forward reads each parameter through a
 * Where on `fusedNames.apply`, so a replica's first step (nothing to apply yet) runs the same session with the update
 * switched off. Inputs: both halves' minus the parameters' gradients, plus `gradIn(P)` and the gate. Outputs: the
 * gradient graph's, then the update graph's (`P.next`, each state's `.next`). The update's nodes are the very nodes
 * of the update graph, so the weights are bit for bit what running the two graphs in turn gives; fusing saves a
 * session run (its feeds, outputs and dispatch) per step on every replica's critical path.
 */
export function fuseUpdateIntoGrad(split: SplitTrainingStep, params: string[]): Model {
  const u = split.update.graph;
  const g = split.grad.graph;
  const gradIn = new Map(params.map((p) => [`${p}.grad`, fusedNames.gradIn(p)]));
  const used = new Map(params.map((p) => [p, fusedNames.used(p)]));
  const rename = (names: string[], m: Map<string, string>) => names.map((x) => m.get(x) ?? x);
  const updateNodes = u.nodes.map((n) => ({ ...n, inputs: rename(n.inputs, gradIn) }));
  const gates = params.map((p) => ({
    name: `${p}.gate`,
    opType: 'Where',
    inputs: [fusedNames.apply, `${p}.next`, p],
    outputs: [fusedNames.used(p)],
    attrs: {},
  }));
  const gradNodes = g.nodes.map((n) => ({ ...n, inputs: rename(n.inputs, used) }));
  const inputs: ValueInfo[] = [
    ...u.inputs.map((v) => (gradIn.has(v.name) ? { ...v, name: gradIn.get(v.name)! } : v)),
    { name: fusedNames.apply, dtype: 'bool', shape: [] },
  ];
  const have = new Set(inputs.map((v) => v.name));
  for (const v of g.inputs) if (!have.has(v.name) && !used.has(v.name)) inputs.push(v);
  // A parameter the update does not read (none today) would still be needed by its gate.
  for (const p of params) {
    if (have.has(p)) continue;
    const v = g.inputs.find((i) => i.name === p);
    invariant(v, `gradient graph has no input ${p}`);
    inputs.push(v);
  }
  const graph: Graph = {
    name: `${g.name.replace(/\.grad$/, '')}.update-grad`,
    nodes: [...updateNodes, ...gates, ...gradNodes],
    inputs,
    outputs: [...g.outputs, ...u.outputs],
    initializers: new Map([...u.initializers, ...g.initializers]),
    // Each gated parameter keeps its input's type and shape, so shape-driven rewrites (blocked Convs) still apply.
    valueInfo: new Map([
      ...u.valueInfo,
      ...g.valueInfo,
      ...params.map((p) => {
        const v = inputs.find((i) => i.name === p)!;
        return [fusedNames.used(p), { ...v, name: fusedNames.used(p) }] as const;
      }),
    ]),
  };
  return { ...split.grad, graph };
}
