import type { Node } from '../onnx/types.js';
import type { GradGraph } from './grad-graph.js';
import { intAttr } from './grad-rule.js';
import { invariant } from '../core/errors.js';
import { transposedPads, windowOf, type Window } from './window.js';

/**
 * Conv gradients. Each has a plain form (ConvTranspose for the input, a batch-as-channels Conv for the weight) and a
 * fast form chosen by measurement on ORT CPU (docs/ARCHITECTURE.md, "Autodiff"): the weight gradient as an im2col
 * built by a grouped one-hot Conv followed by a batched MatMul, and the stride-1 input gradient as a Conv with the
 * flipped, transposed kernel.
 */

interface ConvCase {
  b: GradGraph;
  x: string;
  w: string;
  dy: string;
  win: Window;
  g: number;
  ci: number;
  co: number;
}

/** The static geometry of a Conv node (spatial sizes, channels, groups). */
export function convCase(b: GradGraph, node: Node, x: string, w: string, dy: string): ConvCase {
  const ws = b.staticShape(w);
  const [, ci, ...spatial] = b.shape(x);
  invariant(typeof ci === 'number' && spatial.every((d) => typeof d === 'number'), `Conv '${node.name}': channels and spatial sizes must be static`);
  const win = windowOf(node, spatial as number[], b.shape(dy).slice(2) as number[], ws.slice(2));
  return { b, x, w, dy, win, g: intAttr(node, 'group', 1), ci, co: ws[0]! };
}

const range = (n: number) => [...Array(n).keys()];
const prod = (a: number[]) => a.reduce((p, v) => p * v, 1);

/** Whether the stride-1 flipped-kernel Conv applies (its pads (k−1)·d − p must not be negative). */
export function flippedConvApplies(c: ConvCase): boolean {
  const sp = c.win.k.length;
  return c.win.s.every((s) => s === 1) && c.win.p.every((p, i) => p <= (c.win.k[i % sp]! - 1) * c.win.d[i % sp]!);
}

/** ∂L/∂x of a Conv. */
export function convGradX(c: ConvCase): string {
  const { b, w, dy, win, g } = c;
  if (b.paths === 'fast' && flippedConvApplies(c)) {
    const sp = win.k.length;
    const ws = b.staticShape(w);
    // [Co, Ci/g, k] → [Ci, Co/g, k]: swap the channel roles inside each group, then flip every spatial axis.
    const grouped = b.reshape(w, [g, c.co / g, ws[1]!, ...win.k]);
    const swapped = b.reshape(b.transpose(grouped, [0, 2, 1, ...range(sp).map((i) => i + 3)]), [c.ci, c.co / g, ...win.k]);
    const big = -(2 ** 31);
    const flipped = b.slice(swapped, win.k.map(() => -1), win.k.map(() => big), range(sp).map((i) => i + 2), win.k.map(() => -1));
    const pads = win.p.map((p, i) => (win.k[i % sp]! - 1) * win.d[i % sp]! - p);
    return b.conv(dy, flipped, undefined, { pads, dilations: win.d, group: g });
  }
  const t = transposedPads(win);
  return b.convTranspose(dy, w, undefined, { strides: win.s, pads: t.pads, dilations: win.d, group: g, output_padding: t.outputPadding });
}

/** ∂L/∂w of a Conv. */
export function convGradW(c: ConvCase): string {
  return c.b.paths === 'fast' ? convGradWIm2col(c) : convGradWBatchConv(c);
}

/** im2col by a grouped Conv with one-hot kernels ([N, Ci·K, out…]), then dy · colsᵀ per sample, summed over N. */
function convGradWIm2col(c: ConvCase): string {
  const { b, x, dy, win, g, ci, co } = c;
  const K = prod(win.k);
  const outN = prod(win.out);
  const pointwise = K === 1 && win.s.every((s) => s === 1) && win.p.every((p) => p === 0);
  let cols = x;
  if (!pointwise) {
    const eye = new Array<number>(ci * K * K).fill(0);
    for (let i = 0; i < ci * K; i++) eye[i * K + (i % K)] = 1;
    const onehot = b.constLike(x, [ci * K, 1, ...win.k], eye);
    cols = b.conv(x, onehot, undefined, { strides: win.s, pads: win.p, dilations: win.d, group: ci });
  }
  const cols4 = b.reshape(cols, [0, g, (ci / g) * K, outN]);
  const dy4 = b.reshape(dy, [0, g, co / g, outN]);
  const perSample = b.matMul(dy4, b.transposeLast(cols4));
  return b.reshape(b.reduceSum(perSample, [0], 0), [co, ci / g, ...win.k]);
}

/** The textbook form: a Conv over the batch axis (x as [Ci/g, g·N, …], dy as kernels [Co, N, out…]). */
function convGradWBatchConv(c: ConvCase): string {
  const { b, x, dy, win, g, ci, co } = c;
  const sp = win.k.length;
  const xs = b.shape(x).slice(2) as number[];
  const sAxes = range(sp).map((i) => i + 3);
  const xt = b.reshape(b.transpose(b.reshape(x, [0, g, ci / g, ...xs]), [2, 1, 0, ...sAxes]), [ci / g, -1, ...xs]);
  const dyt = b.transpose(dy, [1, 0, ...range(sp).map((i) => i + 2)]);
  const full = b.conv(xt, dyt, undefined, { strides: win.d, dilations: win.s, pads: win.p, group: g });
  const cut = b.slice(full, win.k.map(() => 0), win.k, range(sp).map((i) => i + 2));
  return b.transpose(cut, [1, 0, ...range(sp).map((i) => i + 2)]);
}

/** ∂L/∂bias of a Conv: dy summed over batch and space. */
export function convGradB(b: GradGraph, dy: string): string {
  return b.reduceSum(dy, [0, ...range(b.shape(dy).length - 2).map((i) => i + 2)], 0);
}
