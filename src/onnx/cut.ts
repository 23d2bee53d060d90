import type { Graph, Node, ValueInfo } from './types.js';
import { TgrError } from '../core/errors.js';

/** A graph split at one tensor: run `prefix`, perturb `tensor`, feed it with `carried` into `suffix`. */
export interface CutGraphs {
  /** The tensor the cut is at (a prefix output and a suffix input). */
  tensor: string;
  /** Computes every node that does not depend on `tensor`; outputs `tensor` then `carried`. */
  prefix: Graph;
  /** Computes every node that depends on `tensor`; inputs `tensor`, `carried`, and any original inputs it reads. */
  suffix: Graph;
  /** Other prefix tensors the suffix reads (skip connections, class tokens...), in a fixed order. */
  carried: string[];
}

/**
 * Splits a graph at `tensor` so that the suffix holds exactly the nodes downstream of it. Faults in `tensor` can
 * only change its descendants, so running the prefix once and the suffix per fault is exact, and the suffix is as
 * small as it can be. Every tensor crossing the cut must have a known dtype and shape in `graph.valueInfo`
 * (run shape inference or probe shapes with the engine first).
 */
export function cut(graph: Graph, tensor: string): CutGraphs {
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  if (!producer.has(tensor)) {
    throw new TgrError(
      'bad_graph',
      `graph '${graph.name}': no node produces tensor '${tensor}'; list the layers with 'tgr inspect'`,
    );
  }
  const consumers = new Map<string, number[]>();
  graph.nodes.forEach((n, i) => n.inputs.forEach((t) => t && consumers.set(t, [...(consumers.get(t) ?? []), i])));

  // Downstream of the cut: nodes that (transitively) read `tensor`.
  const down = new Set<number>();
  const stack = [...(consumers.get(tensor) ?? [])];
  while (stack.length) {
    const i = stack.pop()!;
    if (down.has(i)) continue;
    down.add(i);
    for (const o of graph.nodes[i]!.outputs) stack.push(...(consumers.get(o) ?? []));
  }
  // Needed: nodes the outputs depend on, plus the producer of the cut tensor itself.
  const needed = new Set<number>();
  const want = [...graph.outputs.map((o) => o.name), tensor];
  while (want.length) {
    const t = want.pop()!;
    const i = producer.get(t);
    if (i === undefined || needed.has(i)) continue;
    needed.add(i);
    want.push(...graph.nodes[i]!.inputs.filter(Boolean));
  }
  const suffixNodes: Node[] = [];
  const prefixNodes: Node[] = [];
  graph.nodes.forEach((n, i) => {
    if (!needed.has(i)) return;
    (down.has(i) ? suffixNodes : prefixNodes).push(n);
  });

  const graphInputs = new Set(graph.inputs.map((v) => v.name));
  const prefixProduced = new Set(prefixNodes.flatMap((n) => n.outputs));
  const carried: string[] = [];
  const suffixGraphInputs: string[] = [];
  const seen = new Set<string>([tensor]);
  for (const n of suffixNodes) {
    for (const t of n.inputs) {
      if (!t || seen.has(t)) continue;
      seen.add(t);
      if (prefixProduced.has(t)) carried.push(t);
      else if (graphInputs.has(t)) suffixGraphInputs.push(t);
    }
  }
  // An output made upstream of the cut (rare: a side output) comes through the cut too: the suffix has every output.
  for (const o of graph.outputs)
    if (prefixProduced.has(o.name) && !seen.has(o.name)) {
      seen.add(o.name);
      carried.push(o.name);
    }

  const info = (t: string): ValueInfo => {
    const v =
      graph.valueInfo.get(t) ?? graph.outputs.find((o) => o.name === t) ?? graph.inputs.find((o) => o.name === t);
    if (!v)
      throw new TgrError('bad_graph', `graph '${graph.name}': shape of '${t}' is unknown; probe shapes before cutting`);
    return v;
  };
  const pick = (nodes: Node[]) => {
    const used = new Set(nodes.flatMap((n) => n.inputs));
    return new Map([...graph.initializers].filter(([k]) => used.has(k)));
  };
  const prefixUsed = new Set(prefixNodes.flatMap((n) => n.inputs));
  const prefix: Graph = {
    name: `${graph.name}.prefix`,
    nodes: prefixNodes,
    inputs: graph.inputs.filter((v) => prefixUsed.has(v.name)),
    outputs: [tensor, ...carried].map(info),
    initializers: pick(prefixNodes),
    valueInfo: new Map([...graph.valueInfo].filter(([k]) => prefixProduced.has(k))),
  };
  const suffixProduced = new Set(suffixNodes.flatMap((n) => n.outputs));
  const suffix: Graph = {
    name: `${graph.name}.suffix`,
    nodes: suffixNodes,
    inputs: [tensor, ...carried, ...suffixGraphInputs].map(info),
    outputs: graph.outputs,
    initializers: pick(suffixNodes),
    valueInfo: new Map([...graph.valueInfo].filter(([k]) => suffixProduced.has(k))),
  };
  return { tensor, prefix, suffix, carried };
}
