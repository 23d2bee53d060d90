import type { Graph, Model, Node, Shape } from '../onnx/types.js';
import { inferShapes } from '../onnx/infer.js';
import { numel } from '../onnx/tensor.js';
import { GraphBuilder } from '../onnx/builder.js';

/** Parameters and multiply-accumulates of one node (MACs per image). */
export interface LayerCount {
  name: string;
  opType: string;
  params: number;
  macs: number;
}

/** Totals and the per-node rows with any parameters or MACs, in graph order. */
export interface ModelCount {
  params: number;
  macs: number;
  layers: LayerCount[];
}

/** MACs per node kind; symbolic dimensions (the batch) count as 1, so figures are per image. */
const macRules: Record<string, (node: Node, shapeOf: (t: string) => Shape | undefined) => number> = {
  // Every output element sums over Cin/group × kernel products; the weight's size over Cout is exactly that.
  Conv: (n, s) => perImage(s(n.outputs[0]!)) * (perImage(s(n.inputs[1]!)) / dim(s(n.inputs[1]!), 0)),
  Gemm: (n, s) => {
    const a = s(n.inputs[0]!);
    const transA = n.attrs.transA?.type === 'int' && n.attrs.transA.value === 1;
    return perImage(s(n.outputs[0]!)) * dim(a, transA ? 0 : 1);
  },
  MatMul: (n, s) => {
    const a = s(n.inputs[0]!);
    return perImage(s(n.outputs[0]!)) * dim(a, (a?.length ?? 1) - 1);
  },
};

const perImage = (shape: Shape | undefined): number =>
  shape ? numel(shape.map((d) => (typeof d === 'number' ? d : 1))) : 0;
const dim = (shape: Shape | undefined, i: number): number => {
  const d = shape?.[i];
  return typeof d === 'number' ? d : 1;
};

/**
 * Names of the initializers that are parameters: float tensors, except BatchNormalization running statistics (inputs
 * 3–4) and anonymous constants (`const_N` from GraphBuilder.constant, `onnx::…` from torch.onnx.export).
 */
export function parameterNames(graph: Graph): string[] {
  const stats = new Set(
    graph.nodes.filter((n) => n.opType === 'BatchNormalization').flatMap((n) => n.inputs.slice(3, 5)),
  );
  return [...graph.initializers]
    .filter(
      ([name, t]) =>
        (t.dtype === 'float32' || t.dtype === 'float16' || t.dtype === 'bfloat16' || t.dtype === 'float64') &&
        !stats.has(name) &&
        !GraphBuilder.isConstantName(name) &&
        !name.startsWith('onnx::'),
    )
    .map(([name]) => name);
}

/** Number of parameters (see parameterNames). */
export function countParams(graph: Graph): number {
  return parameterNames(graph).reduce((s, n) => s + numel(graph.initializers.get(n)!.dims), 0);
}

/**
 * Parameters and MACs per node and in total. MACs are counted for Conv, Gemm and MatMul from the inferred shapes;
 * a parameter is charged to the node that reads it, looking through a Transpose or Identity (ViT's weightᵀ).
 */
export function countModel(model: Model): ModelCount {
  const graph = model.graph.valueInfo.size ? model.graph : inferShapes(model.graph, model.opset);
  const shapeOf = (t: string): Shape | undefined =>
    graph.valueInfo.get(t)?.shape ?? graph.inputs.find((v) => v.name === t)?.shape ?? graph.initializers.get(t)?.dims;
  const consumers = new Map<string, Node[]>();
  for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const owner = (tensor: string): Node | undefined => {
    let n = consumers.get(tensor)?.[0];
    while (n && (n.opType === 'Transpose' || n.opType === 'Identity') && consumers.get(n.outputs[0]!)?.length === 1) {
      n = consumers.get(n.outputs[0]!)![0];
    }
    return n;
  };
  const params = new Map<Node, number>();
  for (const name of parameterNames(graph)) {
    const n = owner(name);
    if (n) params.set(n, (params.get(n) ?? 0) + numel(graph.initializers.get(name)!.dims));
  }
  const layers: LayerCount[] = [];
  for (const n of graph.nodes) {
    const macs = macRules[n.opType]?.(n, shapeOf) ?? 0;
    const p = params.get(n) ?? 0;
    if (macs || p) layers.push({ name: n.name, opType: n.opType, params: p, macs });
  }
  return { params: countParams(graph), macs: layers.reduce((s, l) => s + l.macs, 0), layers };
}
