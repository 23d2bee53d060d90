import type { Graph } from '../../onnx/types.js';

/*
 * Where a layer's output channels lie in its weight and in a row-major tensor: what per-channel formats (int:K:channel)
 * need both to emulate a network (emulate.ts) and to hold a faulty value as the graph stores it (held.ts).
 */

/**
 * The axis of a weight that indexes its layer's output channels: a Conv's axis 0, a Gemm's 0 with transB else 1, a
 * MatMul's last.
 */
export function outputChannelAxis(g: Graph, weight: string): number {
  const node = g.nodes.find((n) => n.inputs[1] === weight);
  const rank = g.initializers.get(weight)?.dims.length ?? 1;
  if (node?.opType === 'Conv') return 0;
  if (node?.opType === 'Gemm') return node.attrs.transB?.type === 'int' && node.attrs.transB.value === 1 ? 0 : 1;
  return rank - 1;
}

/** How a row-major tensor of `dims` runs along `axis`: its length there and the elements each step of it spans. */
export function channelLayout(dims: readonly number[], axis: number): { channels: number; inner: number } {
  return { channels: dims[axis] ?? 1, inner: dims.slice(axis + 1).reduce((a, b) => a * b, 1) };
}
