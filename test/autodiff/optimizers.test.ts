import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import type { TensorData } from '../../src/onnx/types.js';
import { f32, i64 } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';
import { Rng } from '../../src/core/rng.js';
import { buildTrainingGraph } from '../../src/autodiff/training-graph.js';
import type { OptimizerSpec } from '../../src/autodiff/training-graph-types.js';

const N = 4;
const F = 3;
const C = 3;
const rng = new Rng('optimizers');
const X = Array.from({ length: N * F }, () => rng.normal());
const LABELS = [0, 2, 1, 2];
const W0 = Array.from({ length: C * F }, () => rng.normal() * 0.5);
const B0 = [0.1, -0.2, 0.3];

/** logits = x·Wᵀ + b: one Gemm, so PyTorch's loss and gradients can be written out by hand below. */
function linearModel() {
  const b = new GraphBuilder('linear');
  const x = b.input('input', 'float32', ['N', F]);
  b.output(
    b.gemm(x, b.initializer('fc.weight', f32([C, F], W0)), b.initializer('fc.bias', f32([C], B0)), { transB: 1 }),
    'logits',
  );
  return b.finishModel();
}

/** PyTorch's CrossEntropyLoss(label_smoothing=eps) and its gradients for the linear model, in float64. */
function lossAndGrads(w: number[], bias: number[], eps: number) {
  let loss = 0;
  const dW = new Array<number>(C * F).fill(0);
  const dB = new Array<number>(C).fill(0);
  for (let n = 0; n < N; n++) {
    const z = bias.map((bv, c) => bv + X.slice(n * F, n * F + F).reduce((s, xv, f) => s + xv * w[c * F + f]!, 0));
    const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
    z.forEach((zc, c) => {
      const q = (c === LABELS[n] ? 1 - eps : 0) + eps / C;
      loss -= (q * (zc - lse)) / N;
      const d = (Math.exp(zc - lse) - q) / N;
      dB[c] += d;
      for (let f = 0; f < F; f++) dW[c * F + f] += d * X[n * F + f]!;
    });
  }
  return { loss, dW, dB };
}

/** One optimizer step on {weight, bias} as torch.optim.SGD / AdamW compute it (bias has no decay). */
function torchStep(
  spec: OptimizerSpec,
  p: number[],
  g: number[],
  st: number[][],
  lr: number,
  t: number,
  decay: boolean,
): number[] {
  if (spec.kind === 'sgd') {
    return p.map((pv, i) => {
      const gi = g[i]! + (decay ? spec.weightDecay * pv : 0);
      if (!spec.momentum) return pv - lr * gi;
      st[0]![i] = spec.momentum * st[0]![i]! + gi;
      return pv - lr * (spec.nesterov ? gi + spec.momentum * st[0]![i]! : st[0]![i]!);
    });
  }
  return p.map((pv0, i) => {
    const pv = decay ? pv0 * (1 - lr * spec.weightDecay) : pv0;
    st[0]![i] = spec.beta1 * st[0]![i]! + (1 - spec.beta1) * g[i]!;
    st[1]![i] = spec.beta2 * st[1]![i]! + (1 - spec.beta2) * g[i]! * g[i]!;
    const denom = Math.sqrt(st[1]![i]!) / Math.sqrt(1 - spec.beta2 ** t) + spec.eps;
    return pv - (lr / (1 - spec.beta1 ** t)) * (st[0]![i]! / denom);
  });
}

async function compareSteps(spec: OptimizerSpec, eps: number) {
  const m = linearModel();
  const tg = buildTrainingGraph(m, { labelSmoothing: eps, optimizer: spec });
  assert.deepEqual(
    tg.params.map((p) => [p.name, p.decay]),
    [
      ['fc.weight', true],
      ['fc.bias', false],
    ],
  );
  const s = await Session.create(tg.model, { threads: 1 });
  const carried: Record<string, TensorData> = { 'fc.weight': f32([C, F], W0), 'fc.bias': f32([C], B0) };
  for (const st of tg.state) carried[st.name] = f32(st.shape, new Array(st.shape.reduce((a, d) => a * d, 1)).fill(0));
  let w = [...W0];
  let bias = [...B0];
  const slots = Math.max(1, tg.state.length / 2);
  const wState = Array.from({ length: slots }, () => new Array<number>(C * F).fill(0));
  const bState = Array.from({ length: slots }, () => new Array<number>(C).fill(0));
  for (let t = 1; t <= 3; t++) {
    const lr = 0.1 / t;
    const out = await s.run({
      ...carried,
      input: f32([N, F], X),
      labels: i64([N], LABELS),
      lr: f32([], [lr]),
      step: f32([], [t]),
    });
    const ref = lossAndGrads(w, bias, eps);
    assert.ok(
      Math.abs((out.loss!.data[0] as number) - ref.loss) < 1e-6,
      `step ${t}: loss ${out.loss!.data[0]} vs ${ref.loss}`,
    );
    w = torchStep(spec, w, ref.dW, wState, lr, t, true);
    bias = torchStep(spec, bias, ref.dB, bState, lr, t, false);
    for (const [name, want] of [
      ['fc.weight', w],
      ['fc.bias', bias],
    ] as const) {
      const got = out[`${name}.next`]!.data as Float32Array;
      // float32 gradients carry ~1e-6 relative error (softmax − q cancels); Adam's m/√v ratio can double it.
      want.forEach((v, i) =>
        assert.ok(
          Math.abs(got[i]! - v) <= 1e-5 * (1 + Math.abs(v)),
          `${spec.kind} step ${t} ${name}[${i}]: ${got[i]} vs ${v}`,
        ),
      );
    }
    for (const k of Object.keys(carried)) carried[k] = out[`${k}.next`]!;
  }
}

test('SGD with momentum and coupled weight decay equals torch.optim.SGD over three steps', () =>
  compareSteps({ kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 5e-2 }, 0));

test('SGD with Nesterov momentum equals torch.optim.SGD(nesterov=True)', () =>
  compareSteps({ kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-2 }, 0.1));

test('plain SGD (no momentum) carries no optimizer state', async () => {
  const tg = buildTrainingGraph(linearModel(), {
    labelSmoothing: 0,
    optimizer: { kind: 'sgd', momentum: 0, nesterov: false, weightDecay: 0 },
  });
  assert.deepEqual(tg.state, []);
  await compareSteps({ kind: 'sgd', momentum: 0, nesterov: false, weightDecay: 0 }, 0);
});

test('AdamW (decoupled decay, bias correction from the step feed) equals torch.optim.AdamW over three steps', () =>
  compareSteps({ kind: 'adamw', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05 }, 0.1));

test('label-smoothed cross-entropy equals −mean Σ q·log softmax with q = (1−ε)·onehot + ε/C', async () => {
  for (const eps of [0, 0.1, 0.3]) {
    const tg = buildTrainingGraph(linearModel(), {
      labelSmoothing: eps,
      optimizer: { kind: 'sgd', momentum: 0, nesterov: false, weightDecay: 0 },
    });
    const s = await Session.create(tg.model, { threads: 1 });
    const out = await s.run({
      input: f32([N, F], X),
      labels: i64([N], LABELS),
      lr: f32([], [0]),
      step: f32([], [1]),
      'fc.weight': f32([C, F], W0),
      'fc.bias': f32([C], B0),
    });
    assert.ok(Math.abs((out.loss!.data[0] as number) - lossAndGrads(W0, B0, eps).loss) < 1e-6);
  }
});
