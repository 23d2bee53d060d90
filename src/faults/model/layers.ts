import type { Graph, Node, Shape, TensorData } from '../../onnx/types.js';
import { addBatchMajorView, batchLayout, isBatchMajor, perImageShape, type BatchLayout } from './batch-layout.js';
import { f32, i64 } from '../../onnx/tensor.js';
import { numel } from '../../onnx/tensor.js';

/** Ops whose outputs are injection sites (DESIGN.md: GoldenEye hooks Conv2d and Linear). */
export const injectableOps = ['Conv', 'Gemm', 'MatMul'] as const;
export type LayerOp = (typeof injectableOps)[number];

/** One layer faults can land in. */
export interface ClassifierLayer {
  /** Node name. */
  name: string;
  /** The tensor the node outputs: where neuron faults land. */
  tensor: string;
  opType: LayerOp;
  /** Per-image shape of the output (batch dimension dropped). */
  shape: number[];
  neurons: number;
  /** The activation operand (what a weight multiplies). */
  input: string;
  /** The constant weight operand, when there is one: where weight faults land. */
  weight?: string;
  /** Element count of `weight`. */
  weightElements?: number;
  /** The node's own output when `tensor` is its batch-major view, with the shape that places the batch. */
  native?: { tensor: string; shape: Shape };
}

/** Nodes the tensor depends on (itself included when produced by a node). */
export function upstreamOf(g: Graph, tensor: string): Set<Node> {
  const producer = new Map<string, Node>();
  for (const n of g.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const seen = new Set<Node>();
  const stack = [tensor];
  while (stack.length) {
    const n = producer.get(stack.pop()!);
    if (!n || seen.has(n)) continue;
    seen.add(n);
    stack.push(...n.inputs.filter(Boolean));
  }
  return seen;
}

/** A Conv/Gemm/MatMul reaching the scores that cannot be a site, and why (`tgr inspect` and summaries list these). */
export interface LeftOutLayer {
  name: string;
  opType: LayerOp;
  reason: string;
}

/**
 * Conv/Gemm/MatMul nodes whose float output reaches `output` and carries the batch on one axis, and those left out
 * with the reason. A layer whose batch is not the leading axis ([L, N, E]) or is folded into one ([L·N, E],
 * [N·H, L, d]: PyTorch's attention) gets a batch-major view (batch-layout.ts), and faults land in the view; the
 * returned graph has those views, and `tensor`/`input` name them.
 */
export function findLayers(
  g: Graph,
  output: string,
): { graph: Graph; layers: ClassifierLayer[]; leftOut: LeftOutLayer[] } {
  const reaches = upstreamOf(g, output);
  const layers: ClassifierLayer[] = [];
  const leftOut: LeftOutLayer[] = [];
  const infoOf = (t: string) =>
    g.valueInfo.get(t) ?? g.outputs.find((o) => o.name === t) ?? g.inputs.find((i) => i.name === t);
  const views: { tensor: string; layout: BatchLayout; rewire: boolean }[] = [];
  for (const n of g.nodes) {
    if (!(injectableOps as readonly string[]).includes(n.opType) || !reaches.has(n)) continue;
    const opType = n.opType as LayerOp;
    const v = infoOf(n.outputs[0]!);
    const layout =
      !v || v.rankUnknown
        ? 'its output shape is unknown'
        : v.dtype !== 'float32'
          ? `its output is ${v.dtype}`
          : batchLayout(v.shape);
    if (typeof layout === 'string') {
      leftOut.push({ name: n.name, opType, reason: layout });
      continue;
    }
    const shape = perImageShape(v!.shape, layout);
    const viewed = !isBatchMajor(layout);
    if (viewed) views.push({ tensor: n.outputs[0]!, layout, rewire: true });
    let input = n.inputs[0]!;
    const inInfo = infoOf(input);
    const inLayout = inInfo && !inInfo.rankUnknown ? batchLayout(inInfo.shape) : undefined;
    if (inLayout && typeof inLayout !== 'string' && !isBatchMajor(inLayout)) {
      if (!views.some((x) => x.tensor === input)) views.push({ tensor: input, layout: inLayout, rewire: false });
      input = `${input}.per_image`;
    }
    const w = n.inputs[1] && g.initializers.get(n.inputs[1]);
    const transA = n.attrs.transA?.type === 'int' && n.attrs.transA.value === 1;
    layers.push({
      name: n.name,
      tensor: viewed ? `${n.outputs[0]!}.per_image` : n.outputs[0]!,
      opType,
      shape,
      neurons: numel(shape),
      input,
      ...(viewed ? { native: { tensor: n.outputs[0]!, shape: v!.shape } } : {}),
      ...(w && w.dtype === 'float32' && !transA ? { weight: n.inputs[1]!, weightElements: numel(w.dims) } : {}),
    });
  }
  // Output views rewire their consumers; a view of an input only reads it, so it comes after.
  let graph = g;
  for (const x of views.filter((x) => x.rewire)) graph = addBatchMajorView(graph, x.tensor, x.layout, true);
  for (const x of views.filter((x) => !x.rewire)) {
    if (!graph.valueInfo.has(`${x.tensor}.per_image`)) graph = addBatchMajorView(graph, x.tensor, x.layout, false);
  }
  return { graph, layers, leftOut };
}

/**
 * Constant nodes become initializers. Cutting then never carries a constant across the cut as if it were an
 * activation (it has no batch axis, and a suffix batch of another size could not reuse it).
 */
export function constantsToInitializers(g: Graph): Graph {
  const initializers = new Map(g.initializers);
  const nodes = g.nodes.filter((n) => {
    if (n.opType !== 'Constant' || (n.domain && n.domain !== 'ai.onnx')) return true;
    const t = constantValue(n);
    if (!t) return true;
    initializers.set(n.outputs[0]!, t);
    return false;
  });
  return { ...g, nodes, initializers };
}

function constantValue(n: Node): TensorData | undefined {
  const a = Object.entries(n.attrs)[0];
  if (!a) return undefined;
  const [k, v] = a;
  if (k === 'value' && v.type === 'tensor') return v.value;
  if (k === 'value_float' && v.type === 'float') return f32([], [v.value]);
  if (k === 'value_floats' && v.type === 'floats') return f32([v.value.length], v.value);
  if (k === 'value_int' && v.type === 'int') return i64([], [v.value]);
  if (k === 'value_ints' && v.type === 'ints') return i64([v.value.length], v.value);
  return undefined;
}
