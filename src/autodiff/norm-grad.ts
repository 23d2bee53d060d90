import type { Node } from '../onnx/types.js';
import type { GradGraph } from './grad-graph.js';
import { floatAttr, intAttr } from './grad-rule.js';

const range = (a: number, b: number) => [...Array(b - a).keys()].map((i) => i + a);

/** Mean-centred x and 1/√(var+ε) over `axes` (keepdims), recomputed: ONNX BN in training mode does not output them. */
function batchStats(b: GradGraph, x: string, axes: number[], eps: number): { xc: string; invStd: string } {
  const xc = b.sub(x, b.reduceMean(x, axes, 1));
  const variance = b.reduceMean(b.mul(xc, xc), axes, 1);
  return { xc, invStd: b.reciprocal(b.sqrt(b.add(variance, b.scalar(eps, x)))) };
}

/**
 * BatchNormalization: gradients for x, scale and bias (running statistics get none). With xc = x − mean and
 * a = γ·σ⁻¹: dbias = Σdy, dscale = σ⁻¹·Σ(dy·xc), and in training mode (batch statistics depend on x)
 * dx = (dy − mean(dy) − xc·σ⁻²·mean(dy·xc))·a. ONNX BN does not output the batch statistics, so mean and σ are
 * recomputed (two-pass variance, as ReduceMean(xc·xc): ORT's ReduceSumSquare over [N, H, W] measured 2× slower in
 * bench/grad-forms.ts).
 */
export function batchNormGrad(b: GradGraph, node: Node, [x, scale, , mean, variance]: string[], dy: string): (string | null)[] {
  const rank = b.shape(x!).length;
  const axes = [0, ...range(2, rank)];
  const eps = b.scalar(floatAttr(node, 'epsilon', 1e-5), x!);
  const ch = (v: string) => b.perChannel(v, rank);
  const avg = (t: string) => b.reduceMean(t, axes, 1);
  const train = intAttr(node, 'training_mode', 0) === 1;
  const xc = b.sub(x!, train ? avg(x!) : ch(mean!));
  const invStd = b.reciprocal(b.sqrt(b.add(train ? avg(b.mul(xc, xc)) : ch(variance!), eps)));
  const a = b.mul(ch(scale!), invStd);
  const m = b.count(x!, axes);
  const meanDy = avg(dy);
  const meanDyXc = avg(b.mul(dy, xc));
  const sums = (t: string) => b.reshape(b.mul(t, m), [-1]);
  const dScale = sums(b.mul(meanDyXc, invStd));
  if (!train) return [b.mul(dy, a), dScale, sums(meanDy), null, null];
  const dx = b.mul(b.sub(b.sub(dy, meanDy), b.mul(xc, b.mul(meanDyXc, b.mul(invStd, invStd)))), a);
  return [dx, dScale, sums(meanDy), null, null];
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
