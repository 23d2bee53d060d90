import type { Graph, Model, Node } from '../onnx/types.js';
import { inferShapes } from '../onnx/infer.js';
import { TgrError } from '../core/errors.js';
import { GradGraph, type GradOptions } from './grad-graph.js';

/** Ops whose backward reads an output the forward may have omitted: MaxPool's Indices, Dropout's mask. */
const neededOutputs: Record<string, number> = { MaxPool: 2, Dropout: 2 };

/**
 * The forward graph as the backward pass needs it: Constant nodes as initializers (rules read constant operands),
 * MaxPool/Dropout with their second output, every shape inferred. Returns a new graph.
 */
export function prepareForward(model: Model): Graph {
  if (model.opset < 13) {
    throw new TgrError('bad_model', `${model.graph.name}: opset ${model.opset} is too old to train; expected ≥ 13 — re-export the model`);
  }
  const initializers = new Map(model.graph.initializers);
  const nodes: Node[] = [];
  for (const n of model.graph.nodes) {
    if (n.opType === 'Constant' && n.attrs.value?.type === 'tensor') {
      initializers.set(n.outputs[0]!, n.attrs.value.value);
      continue;
    }
    const want = neededOutputs[n.opType] ?? 0;
    nodes.push(n.outputs.length >= want ? n : { ...n, outputs: [...n.outputs, ...Array.from({ length: want - n.outputs.length }, (_, i) => `${n.name}.out${n.outputs.length + i}`)] });
  }
  return inferShapes({ ...model.graph, nodes, initializers }, model.opset, true);
}

/** A GradGraph holding the prepared forward graph, ready for backward(). */
export function gradGraphFor(model: Model, opts: GradOptions = {}): { b: GradGraph; forward: Graph } {
  const forward = prepareForward(model);
  const b = new GradGraph(forward.name, { ...opts, opset: model.opset });
  b.extend(forward);
  return { b, forward };
}
