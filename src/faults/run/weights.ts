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
 * batched across images like neuron faults — instead of rerunning the whole model per fault. Undefined for shapes
 * this does not cover (auto_pad convolutions, batched weights); the runner then reruns the model with the weight.
 */
export function weightChange(
  g: Graph,
  node: Node,
  weightIndex: number,
  faulty: number,
  input: Float32Array,
  output: Float32Array,
  outShape: readonly number[],
): Change | undefined {
  const w = g.initializers.get(node.inputs[1]!);
  if (!w) return undefined;
  const delta = faulty - (w.data as Float32Array)[weightIndex]!;
  const index: number[] = [];
  const value: number[] = [];
  const move = (o: number, x: number) => {
    index.push(o);
    value.push(Math.fround(output[o]! + delta * x));
  };
  const ints = (k: string, d: number[]) => (node.attrs[k]?.type === 'ints' ? (node.attrs[k]!.value as number[]) : d);
  const int = (k: string, d: number) => (node.attrs[k]?.type === 'int' ? (node.attrs[k]!.value as number) : d);
  if (node.opType === 'Conv') {
    const autoPad = node.attrs.auto_pad?.type === 'string' ? node.attrs.auto_pad.value : 'NOTSET';
    if (w.dims.length !== 4 || outShape.length !== 3 || (autoPad !== 'NOTSET' && autoPad !== 'VALID')) return undefined;
    const [M, Cg, kH, kW] = w.dims as [number, number, number, number];
    const [, OH, OW] = outShape as [number, number, number];
    const inShape = inputShape(g, node, Cg * int('group', 1));
    if (!inShape) return undefined;
    const [, IH, IW] = inShape;
    const [sh, sw] = ints('strides', [1, 1]);
    const [dh, dw] = ints('dilations', [1, 1]);
    const pads = autoPad === 'VALID' ? [0, 0, 0, 0] : ints('pads', [0, 0, 0, 0]);
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
  } else if (node.opType === 'Gemm' || node.opType === 'MatMul') {
    if (w.dims.length !== 2 || int('transA', 0) !== 0) return undefined;
    const transB = int('transB', 0) === 1;
    const [Kin, M] = transB ? [w.dims[1]!, w.dims[0]!] : [w.dims[0]!, w.dims[1]!];
    const [k, m] = transB
      ? [weightIndex % Kin, Math.floor(weightIndex / Kin)]
      : [Math.floor(weightIndex / M), weightIndex % M];
    const alpha = node.opType === 'Gemm' && node.attrs.alpha?.type === 'float' ? node.attrs.alpha.value : 1;
    const rows = numel(outShape) / M;
    for (let r = 0; r < rows; r++) move(r * M + m, alpha * input[r * Kin + k]!);
  } else {
    return undefined;
  }
  return { index: Int32Array.from(index), value: Float32Array.from(value) };
}

function inputShape(g: Graph, node: Node, inC: number): [number, number, number] | undefined {
  const v = g.valueInfo.get(node.inputs[0]!) ?? g.inputs.find((x) => x.name === node.inputs[0]);
  const s = v?.shape.slice(1);
  return s && s.length === 3 && s[0] === inC && s.every((d) => typeof d === 'number')
    ? (s as [number, number, number])
    : undefined;
}
