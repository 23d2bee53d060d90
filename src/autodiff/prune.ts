import type { Graph } from '../onnx/types.js';

/**
 * Drops nodes no graph output depends on, and the initializers and shape records only they used. Gradient rules
 * emit every input's gradient eagerly; this removes the ones nobody asked for (e.g. ∂L/∂image). Returns a new graph.
 */
export function pruneGraph(g: Graph): Graph {
  const needed = new Set(g.outputs.map((o) => o.name));
  const keep = new Array<boolean>(g.nodes.length).fill(false);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (!n.outputs.some((o) => needed.has(o))) continue;
    keep[i] = true;
    for (const x of n.inputs) if (x) needed.add(x);
  }
  const nodes = g.nodes.filter((_, i) => keep[i]);
  const initializers = new Map([...g.initializers].filter(([k]) => needed.has(k)));
  const valueInfo = new Map([...g.valueInfo].filter(([k]) => needed.has(k)));
  return { ...g, nodes, initializers, valueInfo };
}
