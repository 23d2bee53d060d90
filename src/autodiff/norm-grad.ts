import type { Node } from '../onnx/types.js';
import type { GradGraph } from './grad-graph.js';
import { floatAttr, intAttr } from './grad-rule.js';
import { invariant } from '../core/errors.js';

const range = (a: number, b: number) => [...Array(b - a).keys()].map((i) => i + a);

/** Mean-centred x and 1/√(var+ε) over `axes` (keepdims), recomputed from x (LayerNormalization outputs neither). */
function batchStats(b: GradGraph, x: string, axes: number[], eps: number): { xc: string; invStd: string } {
  const xc = b.sub(x, b.reduceMean(x, axes, 1));
  const variance = b.reduceMean(b.mul(xc, xc), axes, 1);
  return { xc, invStd: b.reciprocal(b.sqrt(b.add(variance, b.scalar(eps, x)))) };
}

/**
 * BatchNormalization: gradients for x, scale and bias (running statistics get none). With xc = x − mean and
 * a = γ·σ⁻¹: dbias = Σdy, dscale = σ⁻¹·Σ(dy·xc). In eval mode dx = dy·a. In training mode the batch statistics
 * depend on x, dx = (dy − mean(dy) − xc·σ⁻²·mean(dy·xc))·a; ONNX's op does not output them, so `prepare.ts` writes
 * training-mode BN out and this rule reads its xc and variance from `GradGraph.batchStats`.
 */
export function batchNormGrad(
  b: GradGraph,
  node: Node,
  [x, scale, , mean, variance]: string[],
  dy: string,
): (string | null)[] {
  const rank = b.shape(x!).length;
  const axes = [0, ...range(2, rank)];
  const eps = b.scalar(floatAttr(node, 'epsilon', 1e-5), x!);
  const stats = b.batchStats.get(node.name);
  invariant(
    stats || intAttr(node, 'training_mode', 0) !== 1,
    `BatchNormalization '${node.name}' in training mode reaches the backward pass only written out (prepare.ts)`,
  );
  const ch = (v: string) => b.perChannel(v, rank);
  const xc = stats?.xc ?? b.sub(x!, ch(mean!));
  const invStd = b.reciprocal(b.sqrt(b.add(stats?.variance ?? ch(variance!), eps)));
  const a = b.mul(ch(scale!), invStd);
  const meanDy = b.reduceMean(dy, axes, 1);
  const meanDyXc = b.reduceMean(b.mul(dy, xc), axes, 1);
  const m = b.count(x!, axes);
  const sums = (t: string) => b.reshape(b.mul(t, m), [-1]);
  // Training mode as dy·a + xc·c₁ + c₀ (per-channel c₁ = −a·σ⁻²·mean(dy·xc), c₀ = −a·mean(dy)): four passes over
  // the activation after the two reductions.
  const dx = stats
    ? b.add(
        b.mul(dy, a),
        b.add(b.mul(xc, b.neg(b.mul(a, b.mul(meanDyXc, b.mul(invStd, invStd))))), b.neg(b.mul(a, meanDy))),
      )
    : b.mul(dy, a);
  return [dx, sums(b.mul(meanDyXc, invStd)), sums(meanDy), null, null];
}

/** LayerNormalization over axes [axis, rank): dx = σ⁻¹·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ. */
export function layerNormGrad(b: GradGraph, node: Node, [x, scale, bias]: string[], dy: string): (string | null)[] {
  const rank = b.shape(x!).length;
  const a = intAttr(node, 'axis', -1);
  const axes = range(a < 0 ? a + rank : a, rank);
  const { xc, invStd } = batchStats(b, x!, axes, floatAttr(node, 'epsilon', 1e-5));
  const xhat = b.mul(xc, invStd);
  const g = b.mul(dy, scale!);
  const centred = b.sub(b.sub(g, b.reduceMean(g, axes, 1)), b.mul(xhat, b.reduceMean(b.mul(g, xhat), axes, 1)));
  return [b.mul(centred, invStd), b.mul(dy, xhat), ...(bias ? [dy] : [])];
}
