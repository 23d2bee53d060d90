import type { OptimizerSpec } from './training-graph-types.js';
import type { GradGraph } from './grad-graph.js';

/** One parameter's update inputs: its tensor, gradient, whether weight decay applies, and the step's lr/step feeds. */
export interface ParamStep {
  b: GradGraph;
  param: string;
  grad: string;
  decay: boolean;
  lr: string;
  /** Per-graph scalars an optimizer computes once (e.g. Adam's bias corrections), from `prepare`. */
  shared: Record<string, string>;
}

/** An optimizer as graph emission: per-graph scalars, then per-parameter state slots and the updated value. */
interface OptimizerRule<S extends OptimizerSpec> {
  /** State slot names per parameter (momentum buffers, moments), zero-initialised. */
  slots: (spec: S) => string[];
  prepare: (b: GradGraph, spec: S, lr: string, step: string) => Record<string, string>;
  /** Emits the update; `state[slot]` is the slot's input tensor; returns the parameter's and each slot's next value. */
  update: (p: ParamStep, spec: S, state: Record<string, string>) => { param: string; state: Record<string, string> };
}

const sgd: OptimizerRule<Extract<OptimizerSpec, { kind: 'sgd' }>> = {
  slots: (s) => (s.momentum ? ['momentum_buffer'] : []),
  prepare: () => ({}),
  // PyTorch SGD: weight decay is coupled (added to the gradient before momentum); buf = μ·buf + g;
  // Nesterov steps along g + μ·buf. A zero buffer makes the first step buf = g, as PyTorch's clone does.
  update: ({ b, param, grad, decay, lr }, s, st) => {
    const k = (v: number) => b.scalar(v, param);
    const g = decay && s.weightDecay ? b.add(grad, b.mul(param, k(s.weightDecay))) : grad;
    const buf = s.momentum ? b.add(b.mul(st.momentum_buffer!, k(s.momentum)), g) : g;
    const d = s.momentum && s.nesterov ? b.add(g, b.mul(buf, k(s.momentum))) : buf;
    const state: Record<string, string> = s.momentum ? { momentum_buffer: buf } : {};
    return { param: b.sub(param, b.mul(d, lr)), state };
  },
};

const adamw: OptimizerRule<Extract<OptimizerSpec, { kind: 'adamw' }>> = {
  slots: () => ['exp_avg', 'exp_avg_sq'],
  // Bias corrections from the 1-based `step` feed: step size lr/(1−β1ᵗ), and 1/√(1−β2ᵗ) for the second moment.
  prepare: (b, s, lr, step) => {
    const bc = (beta: number) => b.sub(b.float(1), b.pow(b.float(beta), step));
    return { stepSize: b.div(lr, bc(s.beta1)), invSqrtBc2: b.reciprocal(b.sqrt(bc(s.beta2))) };
  },
  // PyTorch AdamW: decay is decoupled, p ← p·(1 − lr·wd), before the Adam step.
  update: ({ b, param, grad, decay, lr, shared }, s, st) => {
    const k = (v: number) => b.scalar(v, param);
    const m = b.add(b.mul(st.exp_avg!, k(s.beta1)), b.mul(grad, k(1 - s.beta1)));
    const v = b.add(b.mul(st.exp_avg_sq!, k(s.beta2)), b.mul(b.mul(grad, grad), k(1 - s.beta2)));
    const denom = b.add(b.mul(b.sqrt(v), shared.invSqrtBc2!), k(s.eps));
    const p = decay && s.weightDecay ? b.mul(param, b.sub(k(1), b.mul(lr, k(s.weightDecay)))) : param;
    return { param: b.sub(p, b.mul(b.div(m, denom), shared.stepSize!)), state: { exp_avg: m, exp_avg_sq: v } };
  },
};

/** The optimizers, by `OptimizerSpec.kind`. */
export const optimizers: { [K in OptimizerSpec['kind']]: OptimizerRule<Extract<OptimizerSpec, { kind: K }>> } = {
  sgd,
  adamw,
};
