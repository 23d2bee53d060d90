import type { Model } from '../onnx/types.js';
import { TgrError } from '../core/errors.js';
import type { GradOptions } from './grad-graph.js';
import { backward } from './backward.js';
import { gradGraphFor } from './prepare.js';
import { pruneGraph } from './prune.js';

/**
 * The forward model plus its vector-Jacobian product: for each float output Y an extra input `Y.grad` (∂L/∂Y) and,
 * for each tensor T of `wrt` (inputs or initializers), an extra output `T.grad` (∂L/∂T). Outputs keep the forward's.
 */
export function gradientModel(forward: Model, wrt: string[], opts: GradOptions = {}): Model {
  const { b, forward: g } = gradGraphFor(forward, opts);
  const seeds = new Map<string, string>();
  for (const o of g.outputs)
    if (o.dtype.startsWith('float')) seeds.set(o.name, b.input(`${o.name}.grad`, o.dtype, o.shape));
  for (const o of g.outputs) b.output(o.name);
  const grads = backward(b, g.nodes, seeds, wrt);
  for (const t of wrt) {
    const d = grads.get(t);
    if (!d)
      throw new TgrError(
        'bad_argument',
        `${g.name}: '${t}' does not reach any output, so it has no gradient; pick a tensor the outputs depend on`,
      );
    b.output(d, `${t}.grad`);
  }
  const model = b.finishModel(forward.metadata);
  return { ...model, graph: pruneGraph(model.graph), extraOpsets: forward.extraOpsets };
}
