import type { Graph, Node } from '../../onnx/types.js';
import { numel } from '../../onnx/tensor.js';

/** Elements of one image's layer output that a fault moves, and their faulty values (flat per-image indices). */
export interface Change {
  index: Int32Array;
  value: Float32Array;
}

/**
 * Weight faults as activation changes. A weight element w enters the layer output linearly, so changing it to w'
 * moves exactly the outputs it multiplies, each by (w' − w)·x: one output plane for a Conv weight, one column of
 * rows for a MatMul, one value for a Gemm. With those outputs changed, the layer's suffix gives the faulty scores —
 * batched across images like neuron faults — instead of rerunning the whole model per fault. A fault may change
 * several weights (a BFP block's shared exponent): their moves add up, summed in float64 and rounded once per output.
 * Undefined for shapes this does not cover (auto_pad convolutions, batched weights); the runner then reruns the model
 * with the weights.
 */
export function weightChange(
  g: Graph,
  node: Node,
  weights: { readonly index: ArrayLike<number>; readonly value: ArrayLike<number> },
  input: Float32Array,
  output: Float32Array,
  outShape: readonly number[],
): Change | undefined {
  const w = g.initializers.get(node.inputs[1]!);
  if (!w) return undefined;
  const visit = movesOf(g, node, w.dims, input, outShape);
  if (!visit) return undefined;
  const sums = new Map<number, number>();
  for (let k = 0; k < weights.index.length; k++) {
    const at = weights.index[k]!;
    const delta = weights.value[k]! - (w.data as Float32Array)[at]!;
    visit(at, (o, x) => {
      const before = sums.get(o);
      sums.set(o, before === undefined ? delta * x : before + delta * x); // one weight: exactly output + δ·x
    });
  }
  return {
    index: Int32Array.from(sums.keys()),
    value: Float32Array.from(sums, ([o, d]) => Math.fround(output[o]! + d)),
  };
}

/** Calls `move(o, x)` for each output o weight element `weightIndex` multiplies, x its factor there. */
type Visit = (weightIndex: number, move: (o: number, x: number) => void) => void;

/** The outputs each weight element of `node` moves; undefined for shapes not covered (see weightChange). */
function movesOf(
  g: Graph,
  node: Node,
  dims: readonly number[],
  input: Float32Array,
  outShape: readonly number[],
): Visit | undefined {
  const ints = (k: string, d: number[]) => (node.attrs[k]?.type === 'ints' ? (node.attrs[k]!.value as number[]) : d);
  const int = (k: string, d: number) => (node.attrs[k]?.type === 'int' ? (node.attrs[k]!.value as number) : d);
  if (node.opType === 'Conv') {
    const autoPad = node.attrs.auto_pad?.type === 'string' ? node.attrs.auto_pad.value : 'NOTSET';
    if (dims.length !== 4 || outShape.length !== 3 || (autoPad !== 'NOTSET' && autoPad !== 'VALID')) return undefined;
    const [M, Cg, kH, kW] = dims as [number, number, number, number];
    const [, OH, OW] = outShape as [number, number, number];
    const inShape = inputShape(g, node, Cg * int('group', 1));
    if (!inShape) return undefined;
    const [, IH, IW] = inShape;
    const [sh, sw] = ints('strides', [1, 1]);
    const [dh, dw] = ints('dilations', [1, 1]);
    const pads = autoPad === 'VALID' ? [0, 0, 0, 0] : ints('pads', [0, 0, 0, 0]);
    return (weightIndex, move) => {
      const m = Math.floor(weightIndex / (Cg * kH * kW));
      const cg = Math.floor(weightIndex / (kH * kW)) % Cg;
      const ky = Math.floor(weightIndex / kW) % kH;
      const kx = weightIndex % kW;
      const ci = Math.floor(m / (M / int('group', 1))) * Cg + cg;
      for (let oy = 0; oy < OH; oy++) {
        const iy = oy * sh! - pads[0]! + ky * dh!;
        if (iy < 0 || iy >= IH) continue;
        for (let ox = 0; ox < OW; ox++) {
          const ix = ox * sw! - pads[1]! + kx * dw!;
          if (ix >= 0 && ix < IW) move((m * OH + oy) * OW + ox, input[(ci * IH + iy) * IW + ix]!);
        }
      }
    };
  }
  if (node.opType === 'Gemm' || node.opType === 'MatMul') {
    if (dims.length !== 2 || int('transA', 0) !== 0) return undefined;
    const transB = int('transB', 0) === 1;
    const [Kin, M] = transB ? [dims[1]!, dims[0]!] : [dims[0]!, dims[1]!];
    const alpha = node.opType === 'Gemm' && node.attrs.alpha?.type === 'float' ? node.attrs.alpha.value : 1;
    const rows = numel(outShape) / M;
    return (weightIndex, move) => {
      const [k, m] = transB
        ? [weightIndex % Kin, Math.floor(weightIndex / Kin)]
        : [Math.floor(weightIndex / M), weightIndex % M];
      for (let r = 0; r < rows; r++) move(r * M + m, alpha * input[r * Kin + k]!);
    };
  }
  return undefined;
}

function inputShape(g: Graph, node: Node, inC: number): [number, number, number] | undefined {
  const v = g.valueInfo.get(node.inputs[0]!) ?? g.inputs.find((x) => x.name === node.inputs[0]);
  const s = v?.shape.slice(1);
  return s && s.length === 3 && s[0] === inC && s.every((d) => typeof d === 'number')
    ? (s as [number, number, number])
    : undefined;
}
