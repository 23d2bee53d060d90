import type { Graph, Model, ValueInfo } from '../onnx/types.js';
import { GraphBuilder } from '../onnx/builder.js';
import { TgrError } from '../core/errors.js';
import type { CarriedTensor, TrainingGraph, TrainingGraphOptions } from './training-graph-types.js';
import type { GradOptions } from './grad-graph.js';
import { gradGraphFor } from './prepare.js';
import { backward } from './backward.js';
import { softmaxCrossEntropy } from './loss.js';
import { optimizers } from './optimizers.js';
import { pruneGraph } from './prune.js';
import { intAttr } from './grad-rule.js';

const isNext = (name: string) => name.endsWith('.next');

/** BN running statistics updated by train-mode BatchNormalization nodes: [initializer, output tensor]. */
function bnBuffers(g: Graph): [string, string][] {
  return g.nodes
    .filter((n) => n.opType === 'BatchNormalization' && intAttr(n, 'training_mode', 0) === 1)
    .flatMap(
      (n) =>
        [
          [n.inputs[3]!, n.outputs[1]!],
          [n.inputs[4]!, n.outputs[2]!],
        ] as [string, string][],
    )
    .filter(([init]) => g.initializers.has(init));
}

/** The graph with the named initializers turned into graph inputs (their values are fed each step). */
function initializersToInputs(g: Graph, names: string[]): Graph {
  const initializers = new Map(g.initializers);
  const inputs: ValueInfo[] = [...g.inputs];
  for (const n of names) {
    const t = initializers.get(n)!;
    initializers.delete(n);
    inputs.push({ name: n, dtype: t.dtype, shape: t.dims });
  }
  return { ...g, inputs, initializers };
}

/**
 * Builds one training step as an ONNX graph from a forward model built in training mode: forward, mean softmax
 * cross-entropy (label smoothing), reverse-mode gradients, optimizer update. Parameters are the forward model's float
 * initializers that receive a gradient (not BN running statistics, not builder constants); they, the optimizer state
 * and the BN running statistics become inputs NAME with outputs NAME.next. `extra.gradOutputs` also outputs each
 * parameter's gradient as NAME.grad (gradient checks); `extra.paths` / `extra.convGradW` pick the gradient forms.
 */
export function buildTrainingGraph(
  forwardTrain: Model,
  opts: TrainingGraphOptions,
  extra: GradOptions & { gradOutputs?: boolean } = {},
): TrainingGraph {
  const { b, forward: g } = gradGraphFor(forwardTrain, extra);
  const name = g.name;
  const logits = g.outputs.find((o) => !isNext(o.name));
  const floatInputs = g.inputs.filter((v) => v.dtype.startsWith('float'));
  if (!logits || floatInputs.length !== 1) {
    throw new TgrError(
      'bad_model',
      `${name}: a training graph needs one float input and a logits output; found inputs [${g.inputs.map((v) => v.name)}], outputs [${g.outputs.map((v) => v.name)}]`,
    );
  }
  const feeds = { input: floatInputs[0]!.name, labels: 'labels', lr: 'lr', step: 'step' };
  const labels = b.input(feeds.labels, 'int64', [logits.shape[0]!]);
  const lr = b.input(feeds.lr, 'float32', []);
  const step = b.input(feeds.step, 'float32', []);

  const { loss, dLogits } = softmaxCrossEntropy(b, logits.name, labels, opts.labelSmoothing);
  b.output(loss, 'loss');
  b.output(logits.name);

  const buffers = bnBuffers(forwardTrain.graph);
  const stats = new Set(buffers.map(([init]) => init));
  const candidates = [...forwardTrain.graph.initializers]
    .filter(([k, t]) => t.dtype.startsWith('float') && !stats.has(k) && !GraphBuilder.isConstantName(k))
    .map(([k]) => k);
  const grads = backward(b, g.nodes, new Map([[logits.name, dLogits]]), candidates);

  const opt = opts.optimizer;
  const rule = optimizers[opt.kind] as (typeof optimizers)['sgd'];
  const spec = opt as Parameters<typeof rule.slots>[0];
  const shared = rule.prepare(b, spec, lr, step);
  const noDecay = opts.noDecay ?? ((_: string, shape: number[]) => shape.length <= 1);
  const params: TrainingGraph['params'] = [];
  const state: CarriedTensor[] = [];
  for (const p of candidates) {
    const grad = grads.get(p);
    if (!grad) continue;
    const shape = g.initializers.get(p)!.dims;
    const decay = !noDecay(p, shape);
    const slots = Object.fromEntries(rule.slots(spec).map((s) => [s, b.input(`${p}.${s}`, b.dtype(p), shape)]));
    const next = b.scope(`update.${p}`, () => rule.update({ b, param: p, grad, decay, lr, shared }, spec, slots));
    b.output(next.param, `${p}.next`);
    for (const [s, t] of Object.entries(next.state)) {
      b.output(t, `${p}.${s}.next`);
      state.push({ name: `${p}.${s}`, shape });
    }
    if (extra.gradOutputs) b.output(grad, `${p}.grad`);
    params.push({ name: p, shape, decay });
  }
  if (params.length === 0)
    throw new TgrError(
      'bad_model',
      `${name}: no initializer receives a gradient from the loss, so there is nothing to train`,
    );

  for (const [init, out] of buffers) {
    const exists =
      g.outputs.some((o) => o.name === `${init}.next`) || g.nodes.some((n) => n.outputs.includes(`${init}.next`));
    b.output(exists ? `${init}.next` : out, `${init}.next`);
  }
  const built = b.finishModel(forwardTrain.metadata);
  const graph = pruneGraph(
    initializersToInputs(built.graph, [...params.map((p) => p.name), ...buffers.map(([init]) => init)]),
  );
  return {
    model: { ...built, graph, extraOpsets: forwardTrain.extraOpsets },
    feeds,
    outputs: { loss: 'loss', logits: logits.name },
    params,
    state,
    buffers: buffers.map(([init]) => ({ name: init, shape: g.initializers.get(init)!.dims })),
  };
}
