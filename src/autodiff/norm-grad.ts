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
 * BatchNormalization: gradients for x, scale and bias (running statistics get none). In training mode the batch
 * statistics depend on x, giving dx = γ·σ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂)); in eval mode dx = γ·σ⁻¹·dy.
 */
export function batchNormGrad(b: GradGraph, node: Node, [x, scale, , mean, variance]: string[], dy: string): (string | null)[] {
  const rank = b.shape(x).length;
  const axes = [0, ...range(2, rank)];
  const eps = floatAttr(node, 'epsilon', 1e-5);
  const train = intAttr(node, 'training_mode', 0) === 1;
  const ch = (v: string) => b.perChannel(v, rank);
  const { xc, invStd } = train
    ? batchStats(b, x!, axes, eps)
    : { xc: b.sub(x!, ch(mean!)), invStd: ch(b.reciprocal(b.sqrt(b.add(variance!, b.scalar(eps, x!))))) };
  const xhat = b.mul(xc, invStd);
  const dBias = b.reduceSum(dy, axes, 1);
  const dScale = b.reduceSum(b.mul(dy, xhat), axes, 1);
  const k = b.mul(ch(scale!), invStd);
  let g = dy;
  if (train) {
    const m = b.count(x!, axes);
    g = b.sub(b.sub(dy, b.div(dBias, m)), b.mul(xhat, b.div(dScale, m)));
  }
  const flat = (t: string) => b.reshape(t, [-1]);
  return [b.mul(g, k), flat(dScale), flat(dBias), null, null];
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
