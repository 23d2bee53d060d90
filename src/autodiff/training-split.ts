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
