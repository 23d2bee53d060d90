import type { Model } from '../onnx/types.js';

/**
 * The contract between autodiff (which builds training graphs) and the trainer (which runs them).
 * A training graph is one ONNX graph computing, for one batch: forward in training mode, loss, gradients, and the
 * optimizer update. Everything that changes between steps (parameters, optimizer state, BN running statistics) is a
 * graph input `NAME` with the updated value as graph output `NAME.next`, so ORT stays stateless and the trainer
 * swaps outputs into the next step's feeds.
 */

export type OptimizerSpec =
  | { kind: 'sgd'; momentum: number; nesterov: boolean; weightDecay: number }
  | { kind: 'adamw'; beta1: number; beta2: number; eps: number; weightDecay: number };

/** What to build into a training graph besides the forward model: loss smoothing, optimizer, decay exemptions. */
export interface TrainingGraphOptions {
  /** Label smoothing ε of the softmax cross-entropy (torchvision recipe: 0 or 0.1). */
  labelSmoothing: number;
  optimizer: OptimizerSpec;
  /** Which parameters get no weight decay (default: rank ≤ 1 tensors — norms, biases, the logit scale). */
  noDecay?: (paramName: string, shape: number[]) => boolean;
}

/** A tensor carried from step to step: input `name`, output `${name}.next`. */
export interface CarriedTensor {
  name: string;
  shape: number[];
}

/** A built training step: the ONNX model and the names the trainer feeds, fetches and carries. */
export interface TrainingGraph {
  /** The ONNX training graph. */
  model: Model;
  /**
   * Feed names: image batch NCHW float32, labels int64 [N], learning rate float32 [], step float32 [] (1-based, for
   * AdamW).
   */
  feeds: { input: string; labels: string; lr: string; step: string };
  /** Output names: mean loss float32 [] and logits [N, C] (for running accuracy). */
  outputs: { loss: string; logits: string };
  /** Trainable parameters (initializers of the forward model that receive gradients). */
  params: (CarriedTensor & { decay: boolean })[];
  /** Optimizer state (momentum buffers, Adam moments), zero-initialised. Names are `${param}.${slot}`. */
  state: CarriedTensor[];
  /** Non-trained state updated by the forward pass (BatchNormalization running mean/var). */
  buffers: CarriedTensor[];
}
