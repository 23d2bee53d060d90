import type { Graph, Model, Node, ValueInfo } from '../onnx/types.js';
import { attr } from '../onnx/types.js';
import { i64 } from '../onnx/tensor.js';

/**
 * Lowers 2-D float Convs whose weights are computed or fed (a training graph's parameters, its flipped input-gradient
 * kernels) to ONNX Runtime's blocked-layout kernels (domain com.microsoft.nchwc: ReorderInput → Conv → ReorderOutput,
 * the weight reordered in the graph). ORT's own NCHWc rewrite only touches Convs with constant weights, since it
 * reorders them once at load; these kernels read the weight as given, so a reorder in the graph (a Reshape and a
 * Transpose of a tensor of a few thousand elements) brings them to weights that change every step. Measured 1.3–1.9×
 * faster per Conv than the plain im2col path at batch 64 on AVX-512 (bench/RESULTS.md, "Training step").
 * The block size is MLAS's for this CPU (16 with AVX-512, 8 with AVX2), read by `blockSizeProbe` below.
 */

/** The ORT domain of the blocked-layout kernels. */
export const nchwcDomain = 'com.microsoft.nchwc';

/** A model whose output dims tell the NCHWc block size: ReorderInput pads 4 channels up to one block. */
export function blockSizeProbe(): Model {
  return {
    opset: 17,
    extraOpsets: { [nchwcDomain]: 1 },
    irVersion: 8,
    producer: 'tgr',
    metadata: {},
    graph: {
      name: 'nchwc block size probe',
      nodes: [
        { name: 'reorder', opType: 'ReorderInput', domain: nchwcDomain, inputs: ['x'], outputs: ['y'], attrs: {} },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4, 1, 1] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [1, -1, 1, 1] }],
      initializers: new Map(),
      valueInfo: new Map(),
    },
  };
}

const isDefaultDomain = (n: Node) => !n.domain || n.domain === 'ai.onnx';

/**
 * The model with each eligible Conv lowered (group 1, 2-D, float32, output channels a multiple of `block`, input
 * channels a multiple of `block` or fewer than it); Convs with constant weights are left to ORT's own rewrite.
 * Returns the model unchanged when nothing qualifies.
 */
export function lowerConvsToBlocked(model: Model, block: number): Model {
  const g = model.graph;
  const info = new Map<string, ValueInfo>([...g.valueInfo, ...g.inputs.map((v) => [v.name, v] as const)]);
  const shapeOf = (t: string): number[] | undefined => {
    const v = info.get(t);
    return v && v.dtype === 'float32' && v.shape.every((d) => typeof d === 'number' && d > 0)
      ? (v.shape as number[])
      : undefined;
  };
  const nodes: Node[] = [];
  const initializers = new Map(g.initializers);
  const shapeConst = (dims: number[]) => {
    const name = `nchwc.shape.${dims.join('x')}`;
    if (!initializers.has(name)) initializers.set(name, i64([dims.length], dims));
    return name;
  };
  let lowered = 0;
  for (const n of g.nodes) {
    const w = shapeOf(n.inputs[1] ?? '');
    const x = info.get(n.inputs[0] ?? '');
    const eligible =
      n.opType === 'Conv' &&
      isDefaultDomain(n) &&
      !g.initializers.has(n.inputs[1]!) &&
      w?.length === 4 &&
      x?.dtype === 'float32' &&
      x.shape.length === 4 &&
      (n.attrs.group?.value ?? 1) === 1 &&
      w[0]! % block === 0 &&
      (w[1]! % block === 0 || w[1]! < block);
    if (!eligible) {
      nodes.push(n);
      continue;
    }
    lowered++;
    const [co, ci, kh, kw] = w as [number, number, number, number];
    const p = `${n.name}.nchwc`;
    const wide = ci % block === 0;
    // OIHWBiBo (input channels blocked too) or OIHWBo (an NCHW input of fewer channels than a block): MLAS's layouts.
    const split = wide ? [co / block, block, ci / block, block, kh, kw] : [co / block, block, ci, kh, kw];
    const perm = wide ? [0, 2, 4, 5, 3, 1] : [0, 2, 3, 4, 1];
    nodes.push(
      {
        name: `${p}.w.split`,
        opType: 'Reshape',
        inputs: [n.inputs[1]!, shapeConst(split)],
        outputs: [`${p}.w.split`],
        attrs: {},
      },
      {
        name: `${p}.w.perm`,
        opType: 'Transpose',
        inputs: [`${p}.w.split`],
        outputs: [`${p}.w.perm`],
        attrs: { perm: attr.ints(perm) },
      },
      { name: `${p}.w`, opType: 'Reshape', inputs: [`${p}.w.perm`, shapeConst(w)], outputs: [`${p}.w`], attrs: {} },
    );
    let input = n.inputs[0]!;
    if (wide) {
      nodes.push({
        name: `${p}.x`,
        opType: 'ReorderInput',
        domain: nchwcDomain,
        inputs: [input],
        outputs: [`${p}.x`],
        attrs: {},
      });
      input = `${p}.x`;
    }
    nodes.push(
      {
        name: `${p}.conv`,
        opType: 'Conv',
        domain: nchwcDomain,
        inputs: [input, `${p}.w`, ...n.inputs.slice(2)],
        outputs: [`${p}.y`],
        attrs: n.attrs,
      },
      {
        name: `${p}.y`,
        opType: 'ReorderOutput',
        domain: nchwcDomain,
        inputs: [`${p}.y`],
        outputs: [n.outputs[0]!],
        attrs: { channels: attr.int(co) },
      },
    );
  }
  if (!lowered) return model;
  const graph: Graph = { ...g, nodes, initializers };
  return { ...model, graph, extraOpsets: { ...model.extraOpsets, [nchwcDomain]: 1 } };
}
