import type { Graph, Node } from '../../onnx/types.js';
import { numel } from '../../onnx/tensor.js';

/** A float constant: an initializer, or a node computed from constants only (e.g. exp(logit_scale)). */
export interface Const {
  dims: number[];
  data: Float32Array;
}

const unary: Record<string, (x: number) => number> = {
  Identity: (x) => x,
  Exp: Math.exp,
  Log: Math.log,
  Sqrt: Math.sqrt,
  Neg: (x) => -x,
  Reciprocal: (x) => 1 / x,
};
const binary: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
};

/**
 * The value of `tensor` when it is a float constant, folding the few elementwise ops that sit between parameters and
 * use (ORT folds them the same way). Values are rounded to fp32 after each op, as ORT computes them. Undefined when
 * the tensor depends on the input or on an op this does not fold.
 */
export function constValue(g: Graph, tensor: string, producers?: Map<string, Node>): Const | undefined {
  const init = g.initializers.get(tensor);
  if (init) return init.dtype === 'float32' ? { dims: init.dims, data: init.data as Float32Array } : undefined;
  const byOut = producers ?? new Map(g.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const n = byOut.get(tensor);
  if (!n || n.outputs.length !== 1) return undefined;
  const u = unary[n.opType];
  if (u && n.inputs.length === 1) {
    const x = constValue(g, n.inputs[0]!, byOut);
    return x && { dims: x.dims, data: x.data.map((v) => Math.fround(u(v))) };
  }
  const f = binary[n.opType];
  if (f && n.inputs.length === 2) {
    const a = constValue(g, n.inputs[0]!, byOut);
    const b = constValue(g, n.inputs[1]!, byOut);
    if (!a || !b) return undefined;
    // Only a scalar against anything: all these graphs need (exp(s)·x, eps additions).
    if (numel(a.dims) === 1) return { dims: b.dims, data: b.data.map((v) => Math.fround(f(a.data[0]!, v))) };
    if (numel(b.dims) === 1) return { dims: a.dims, data: a.data.map((v) => Math.fround(f(v, b.data[0]!))) };
  }
  return undefined;
}

/**
 * Maps a flat index of a per-image tensor of shape `shape` to the index of a constant broadcast against [N, …shape]
 * (numpy rules, right-aligned); undefined when the constant would broadcast the tensor itself to a larger shape.
 */
export function broadcastIndexer(c: Const, shape: readonly number[]): ((i: number) => number) | undefined {
  const full = [1, ...shape];
  if (c.dims.length > full.length) return undefined;
  const dims = [...Array(full.length - c.dims.length).fill(1), ...c.dims] as number[];
  if (dims.some((d, k) => d !== 1 && d !== full[k])) return undefined;
  if (dims[0] !== 1) return undefined;
  const strides = dims.map((_, k) => numel(dims.slice(k + 1)));
  const fullStrides = full.map((_, k) => numel(full.slice(k + 1)));
  return (i) => {
    let j = 0;
    for (let k = 1; k < full.length; k++) {
      const coord = Math.floor(i / fullStrides[k]!) % full[k]!;
      if (dims[k] !== 1) j += coord * strides[k]!;
    }
    return j;
  };
}
