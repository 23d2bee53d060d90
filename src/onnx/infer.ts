import type { Graph, TensorData, ValueInfo } from './types.js';
import { nameUnknownDims, shapeRules, type InputInfo } from './shape-rules.js';
import { TgrError } from '../core/errors.js';

/**
 * Infers dtype and shape of every tensor produced by a node, returning a new graph whose `valueInfo` holds them.
 * Ops without a rule leave their outputs unknown unless `strict` is set (graphs built by tgr use strict).
 */
export function inferShapes(graph: Graph, opset: number, strict = false): Graph {
  const known = new Map<string, ValueInfo>();
  for (const v of graph.inputs) known.set(v.name, v);
  for (const [name, t] of graph.initializers) known.set(name, { name, dtype: t.dtype, shape: t.dims });
  const valueInfo = new Map<string, ValueInfo>();
  const constants = new Map<string, TensorData>();
  for (const n of graph.nodes) {
    if (n.opType === 'Constant' && n.attrs.value?.type === 'tensor') constants.set(n.outputs[0]!, n.attrs.value.value);
  }
  for (const node of graph.nodes) {
    const rule = shapeRules[node.opType];
    const ins: (InputInfo | undefined)[] = node.inputs.map((n) => {
      if (!n) return undefined;
      const v = known.get(n);
      if (!v) return undefined;
      const value = graph.initializers.get(n) ?? constants.get(n);
      return value ? { dtype: v.dtype, shape: v.shape, value } : { dtype: v.dtype, shape: v.shape };
    });
    const missing = node.inputs.findIndex((n, i) => n !== '' && ins[i] === undefined);
    if (!rule || missing >= 0) {
      if (strict) {
        throw new TgrError(
          'bad_graph',
          !rule
            ? `node '${node.name}': no shape rule for op ${node.opType}; add one to src/onnx/shape-rules.ts`
            : `node '${node.name}' (${node.opType}): input '${node.inputs[missing]}' is not produced before it`,
        );
      }
      for (const o of node.outputs) {
        const prior = graph.valueInfo.get(o);
        if (prior) {
          known.set(o, prior);
          valueInfo.set(o, prior);
        }
      }
      continue;
    }
    let outs;
    try {
      outs = rule(ins, node.attrs, opset);
    } catch (e) {
      if (e instanceof TgrError) throw new TgrError(e.code, `node '${node.name}' (${node.opType}): ${e.message}`);
      throw e;
    }
    node.outputs.forEach((o, i) => {
      if (!o || !outs[i]) return;
      const v = { name: o, dtype: outs[i]!.dtype, shape: nameUnknownDims(outs[i]!.shape, o) };
      known.set(o, v);
      valueInfo.set(o, v);
    });
  }
  // Declared output shapes may use other batch symbols ('batch', 'batch_size'); the inferred ones are consistent.
  return { ...graph, valueInfo, outputs: graph.outputs.map((o) => valueInfo.get(o.name) ?? o) };
}
