import type { Graph, Node, TensorData } from '../../onnx/types.js';
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

/** Conv/Gemm/MatMul nodes whose float output is per-image ([N, …] with fixed trailing dims) and reaches `output`. */
export function findLayers(g: Graph, output: string): ClassifierLayer[] {
  const reaches = upstreamOf(g, output);
  const layers: ClassifierLayer[] = [];
  for (const n of g.nodes) {
    if (!(injectableOps as readonly string[]).includes(n.opType) || !reaches.has(n)) continue;
    const v = g.valueInfo.get(n.outputs[0]!) ?? g.outputs.find((o) => o.name === n.outputs[0]);
    // A layer that computes on constants only (no batch axis) is the same for every image: not a per-image site.
    if (!v || v.dtype !== 'float32' || v.shape[0] !== 'N') continue;
    const shape = v.shape.slice(1);
    if (!shape.every((d): d is number => typeof d === 'number')) continue;
    const w = n.inputs[1] && g.initializers.get(n.inputs[1]);
    const transA = n.attrs.transA?.type === 'int' && n.attrs.transA.value === 1;
    layers.push({
      name: n.name,
      tensor: n.outputs[0]!,
      opType: n.opType as LayerOp,
      shape,
      neurons: numel(shape),
      input: n.inputs[0]!,
      ...(w && w.dtype === 'float32' && !transA ? { weight: n.inputs[1]!, weightElements: numel(w.dims) } : {}),
    });
  }
  return layers;
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
