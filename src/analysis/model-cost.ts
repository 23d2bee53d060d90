import type { Graph, Model, Shape } from '../onnx/types.js';
import { inferShapes } from '../onnx/infer.js';
import { numel } from '../onnx/tensor.js';

/** Size and compute of a model, per image. */
export interface ModelCost {
  params: number;
  /** Multiply-accumulates of Conv, ConvTranspose, Gemm and MatMul per image (the paper's "FLOPs" column counts these). */
  macs: number;
}

/** Elements of one image's slice: symbolic dims (the batch) count as 1. */
function perImage(shape: Shape | undefined): number {
  return (shape ?? []).reduce<number>((p, d) => p * (typeof d === 'number' ? d : 1), 1);
}

/**
 * Trainable parameters: floating-point initializers. Integer tensors (shape constants, axes) and the builder's
 * anonymous `const_N` scalars (ε, 0.5 in GELU) are not parameters; BatchNormalization's running mean/variance are
 * buffers (torch's `numel()` over `parameters()` leaves them out too).
 */
export function countParams(graph: Graph): number {
  const buffers = new Set(graph.nodes.filter((n) => n.opType === 'BatchNormalization').flatMap((n) => n.inputs.slice(3, 5)));
  let total = 0;
  for (const [name, t] of graph.initializers) {
    if (buffers.has(name) || !(t.dtype.startsWith('float') || t.dtype === 'bfloat16') || /^const_\d+$/.test(name)) continue;
    total += numel(t.dims);
  }
  return total;
}

/** MACs per image of the matrix ops, from inferred shapes; ops whose shapes cannot be inferred count 0. */
export function countMacs(model: Model): number {
  const g = inferShapes(model.graph, model.opset, false);
  const shapeOf = (t: string) => g.valueInfo.get(t)?.shape ?? g.inputs.find((v) => v.name === t)?.shape
    ?? g.initializers.get(t)?.dims;
  let macs = 0;
  for (const n of g.nodes) {
    const out = perImage(shapeOf(n.outputs[0]!));
    if (n.opType === 'Conv' || n.opType === 'ConvTranspose') {
      const w = g.initializers.get(n.inputs[1]!)?.dims ?? (shapeOf(n.inputs[1]!) as number[] | undefined);
      if (!w) continue;
      // Conv weight [M, C/g, k…]: each output element sums C/g·Πk products. ConvTranspose [C, M/g, k…]: each input
      // element scatters M/g·Πk products, the same count read from the input side.
      macs += n.opType === 'Conv' ? out * numel(w.slice(1)) : perImage(shapeOf(n.inputs[0]!)) * numel(w.slice(1));
    } else if (n.opType === 'Gemm' || n.opType === 'MatMul') {
      const a = shapeOf(n.inputs[0]!);
      if (!a || a.length === 0) continue;
      const transA = n.opType === 'Gemm' && n.attrs.transA?.type === 'int' && n.attrs.transA.value === 1;
      const k = a[transA ? 0 : a.length - 1];
      if (typeof k === 'number') macs += out * k;
    }
  }
  return macs;
}

/** Parameter and MAC counts of a model. */
export function modelCost(model: Model): ModelCost {
  return { params: countParams(model.graph), macs: countMacs(model) };
}
