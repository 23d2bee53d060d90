/**
 * Moving weights between the training graph and the eval graph. The model zoo gives both graphs the same initializer
 * names, so the trained parameters and BN running statistics drop into the eval graph by name; the eval graph's BN
 * nodes are already in inference form, which is what model.onnx must be.
 */
import { TgrError } from '../core/errors.js';
import type { TrainingGraph } from '../autodiff/training-graph-types.js';
import type { Model, TensorData } from '../onnx/types.js';
import { zeros } from '../onnx/tensor.js';

/**
 * A copy of `model` whose initializers named in `weights` take those values (others, e.g. optimizer state, are
 * ignored).
 */
export function withWeights(model: Model, weights: Record<string, TensorData> | Map<string, TensorData>): Model {
  const w = weights instanceof Map ? weights : new Map(Object.entries(weights));
  const inits = new Map(model.graph.initializers);
  for (const name of inits.keys()) {
    const t = w.get(name);
    if (t) inits.set(name, t);
  }
  return { ...model, graph: { ...model.graph, initializers: inits } };
}

/** Checks that every parameter and buffer of the training graph is an initializer of the eval graph, with its shape. */
export function checkEvalMatches(graph: TrainingGraph, evalModel: Model): void {
  for (const c of [...graph.params, ...graph.buffers]) {
    const t = evalModel.graph.initializers.get(c.name);
    if (!t || t.dims.join(',') !== c.shape.join(',')) {
      const found = t ? `shape [${t.dims}]` : 'no such initializer';
      throw new TgrError(
        'bad_model',
        `eval graph '${evalModel.graph.name}': training tensor '${c.name}' [${c.shape}] has ${found} there; build both graphs from one model spec`,
      );
    }
  }
}

/** Starting values of every carried tensor: parameters and buffers from the forward model, optimizer state zero. */
export function initialCarried(graph: TrainingGraph, forward: Model): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const c of [...graph.params, ...graph.buffers]) {
    const t = forward.graph.initializers.get(c.name);
    if (!t)
      throw new TgrError(
        'bad_model',
        `training graph carries '${c.name}', which the forward model '${forward.graph.name}' has no initializer for`,
      );
    out[c.name] = t;
  }
  for (const s of graph.state) out[s.name] = zeros('float32', s.shape);
  return out;
}
