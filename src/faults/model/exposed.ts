import type { Model, ValueInfo } from '../../onnx/types.js';
import { invariant } from '../../core/errors.js';

/**
 * The model with intermediate tensors added as graph outputs, so one forward pass returns the scores and every
 * activation a campaign caches (layer outputs, tensors the suffixes carry, layer inputs for weight faults).
 */
export function withOutputs(model: Model, tensors: readonly string[]): Model {
  const g = model.graph;
  const have = new Set(g.outputs.map((o) => o.name));
  const extra: ValueInfo[] = [];
  for (const t of tensors) {
    if (have.has(t)) continue;
    have.add(t);
    const v = g.valueInfo.get(t);
    invariant(v, `no value info for '${t}'`);
    extra.push(v);
  }
  return { ...model, graph: { ...g, outputs: [...g.outputs, ...extra] } };
}
