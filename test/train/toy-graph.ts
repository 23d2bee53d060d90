/**
 * A hand-built training graph for trainer tests, independent of src/autodiff: a linear softmax classifier on
 * flattened images minus a running-mean buffer (standing in for BN statistics), trained by SGD with momentum and
 * weight decay, its gradients written out by hand. The eval graph shares the initializer names.
 */
import type { TrainingGraph } from '../../src/autodiff/training-graph-types.js';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32, i64 } from '../../src/onnx/tensor.js';
import type { Model } from '../../src/onnx/types.js';
import { Rng } from '../../src/core/rng.js';

export interface Toy {
  graph: TrainingGraph;
  forward: Model;
  evalModel: Model;
}

/** Initial weights of a C-class classifier on [ch, h, w] images. */
function initial(classes: number, d: number, seed: number) {
  const rng = new Rng(seed);
  return {
    W: f32(
      [classes, d],
      Array.from({ length: classes * d }, () => 0.01 * rng.normal()),
    ),
    b: f32([classes], new Array(classes).fill(0)),
    mu: f32([d], new Array(d).fill(0)),
  };
}

/** The forward part shared by the eval graph and the training graph; returns [input, Gemm input, logits]. */
function forwardPart(
  g: GraphBuilder,
  shape: number[],
  init: ReturnType<typeof initial>,
  dropout = 0,
): [string, string, string] {
  const x = g.flatten(g.input('input', 'float32', ['N', ...shape]));
  const mu = g.initializer('fc.mu', init.mu);
  const w = g.initializer('fc.weight', init.W);
  const bias = g.initializer('fc.bias', init.b);
  const centred = dropout ? dropped(g, g.sub(x, mu), dropout) : g.sub(x, mu);
  return [x, centred, g.gemm(centred, w, bias, { transB: 1 })];
}

/**
 * Dropout applied through its mask output, as a gradient rule reads it. ORT's optimizer deletes a Dropout whose mask
 * nobody reads, training mode or not, so a toy that used only the first output would train without dropout.
 */
function dropped(g: GraphBuilder, x: string, p: number): string {
  const [, mask] = g.node(
    'Dropout',
    [x, g.float(p), g.constant({ dtype: 'bool', dims: [], data: Uint8Array.of(1) })],
    {},
    { outputs: 2 },
  );
  return g.mul(g.mul(x, g.cast(mask!, 'float32')), g.float(1 / (1 - p)));
}

/** Eval graph: input → logits. */
function evalGraph(shape: number[], classes: number, seed: number): Model {
  const g = new GraphBuilder('toy-eval');
  const [, , logits] = forwardPart(
    g,
    shape,
    initial(
      classes,
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
  );
  g.output(logits, 'logits');
  return g.finishModel();
}

/** A training graph per the contract: feeds input/labels/lr/step; carried params, momentum, buffer. */
export function toyTraining(
  shape: number[],
  classes: number,
  opts: { seed?: number; momentum?: number; weightDecay?: number; labelSmoothing?: number; dropout?: number } = {},
): Toy {
  const seed = opts.seed ?? 1;
  const m = opts.momentum ?? 0.9;
  const wd = opts.weightDecay ?? 1e-4;
  const eps = opts.labelSmoothing ?? 0;
  const d = shape.reduce((a, b) => a * b, 1);
  const init = initial(classes, d, seed);

  const fwd = new GraphBuilder('toy-train-forward');
  fwd.output(forwardPart(fwd, shape, init)[2], 'logits');

  const g = new GraphBuilder('toy-train');
  const [x, centred, logits] = forwardPart(g, shape, init, opts.dropout);
  const labels = g.input('labels', 'int64', ['N']);
  const lr = g.input('lr', 'float32', []);
  g.input('step', 'float32', []);
  // One-hot by comparing labels [N,1] with 0..C-1, then label smoothing.
  const onehot = g.cast(
    g.equal(
      g.unsqueeze(labels, [1]),
      g.constant(
        i64(
          [classes],
          Array.from({ length: classes }, (_, i) => i),
        ),
      ),
    ),
    'float32',
  );
  const target = g.add(g.mul(onehot, g.float(1 - eps)), g.float(eps / classes));
  const loss = g.neg(g.reduceMean(g.reduceSum(g.mul(target, g.logSoftmax(logits, 1)), [1], 0), [0], 0));
  const n = g.cast(g.node('Shape', [labels])[0]!, 'float32');
  const dLogits = g.div(g.sub(g.softmax(logits, 1), target), n);
  const grads = {
    'fc.weight': g.gemm(dLogits, centred, undefined, { transA: 1 }),
    'fc.bias': g.reduceSum(dLogits, [0], 0),
  };
  // torch.optim.SGD: v ← m·v + (g + wd·p); p ← p − lr·v.
  for (const [p, grad] of Object.entries(grads)) {
    const decay = p === 'fc.weight';
    const full = decay ? g.add(grad, g.mul(p, g.float(wd))) : grad;
    const v = g.input(`${p}.momentum`, 'float32', g.shape(p));
    const vNext = g.add(g.mul(v, g.float(m)), full);
    g.output(vNext, `${p}.momentum.next`);
    g.output(g.sub(p, g.mul(vNext, lr)), `${p}.next`);
  }
  g.output(g.add(g.mul('fc.mu', g.float(0.9)), g.mul(g.reduceMean(x, [0], 0), g.float(0.1))), 'fc.mu.next');
  g.output(loss, 'loss');
  g.output(logits, 'logits_out');
  const model = g.finishModel();
  // Parameters and buffers are fed each step, so they are inputs here rather than initializers.
  const carriedNames = ['fc.weight', 'fc.bias', 'fc.mu'];
  model.graph.inputs.push(
    ...carriedNames.map((name) => ({
      name,
      dtype: 'float32' as const,
      shape: model.graph.initializers.get(name)!.dims,
    })),
  );
  for (const name of carriedNames) model.graph.initializers.delete(name);
  return {
    graph: {
      model,
      feeds: { input: 'input', labels: 'labels', lr: 'lr', step: 'step' },
      outputs: { loss: 'loss', logits: 'logits_out' },
      params: [
        { name: 'fc.weight', shape: [classes, d], decay: true },
        { name: 'fc.bias', shape: [classes], decay: false },
      ],
      state: [
        { name: 'fc.weight.momentum', shape: [classes, d] },
        { name: 'fc.bias.momentum', shape: [classes] },
      ],
      buffers: [{ name: 'fc.mu', shape: [d] }],
    },
    forward: fwd.finishModel(),
    evalModel: evalGraph(shape, classes, seed),
  };
}
