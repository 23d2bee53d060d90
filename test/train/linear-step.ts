/** A 4-feature, 3-class linear classifier and its training graph (src/autodiff, with gradient outputs), for stepper tests. */
import { buildTrainingGraph } from '../../src/autodiff/training-graph.js';
import type { TrainingGraph } from '../../src/autodiff/training-graph-types.js';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32 } from '../../src/onnx/tensor.js';
import type { Model, TensorData } from '../../src/onnx/types.js';
import { encodeModel } from '../../src/onnx/proto-io.js';
import type { StepInit } from '../../src/train/step-core.js';
import { initialCarried } from '../../src/train/weights.js';

export interface LinearStep {
  forward: Model;
  graph: TrainingGraph;
}

/** logits = x·wᵀ + b, trained by SGD with momentum and weight decay. */
export function linearStep(): LinearStep {
  const b = new GraphBuilder('linear');
  const x = b.input('input', 'float32', ['N', 4]);
  const w = b.initializer('fc.weight', f32([3, 4], [0.1, -0.2, 0.3, 0, 0.5, 0.1, -0.1, 0.2, -0.3, 0.4, 0, 0.1]));
  const bias = b.initializer('fc.bias', f32([3], [0, 0.1, -0.1]));
  b.output(b.gemm(x, w, bias, { transB: 1, name: 'fc' }), 'logits');
  const forward = b.finishModel();
  const graph = buildTrainingGraph(
    forward,
    { labelSmoothing: 0, optimizer: { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 1e-2 } },
    { gradOutputs: true },
  );
  return { forward, graph };
}

/** A batch of 4 fixed images and labels. */
export function linearBatch(shift = 0): { input: TensorData<'float32'>; labels: TensorData<'int64'> } {
  return {
    input: f32(
      [4, 4],
      Array.from({ length: 16 }, (_, i) => Math.sin(i + shift)),
    ),
    labels: { dtype: 'int64', dims: [4], data: BigInt64Array.of(0n, 1n, 2n, 1n) },
  };
}

/** A stepper's init over the linear classifier: one thread, seed 0, the forward model as eval graph. */
export function linearStepInit({ forward, graph }: LinearStep = linearStep()): StepInit {
  return {
    trainModel: encodeModel(graph.model),
    evalModel: encodeModel(forward),
    feeds: graph.feeds,
    outputs: graph.outputs,
    carried: initialCarried(graph, forward),
    threads: 1,
    seed: 0,
  };
}
