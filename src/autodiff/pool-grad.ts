import type { Node } from '../onnx/types.js';
import { attr } from '../onnx/types.js';
import type { GradGraph } from './grad-graph.js';
import { intAttr } from './grad-rule.js';
import { transposedPads, windowOf, type Window } from './window.js';
import { invariant } from '../core/errors.js';

function poolWindow(b: GradGraph, node: Node, x: string, y: string): Window {
  const xs = b.shape(x).slice(2);
  invariant(
    xs.every((d) => typeof d === 'number'),
    `${node.opType} '${node.name}': spatial sizes must be static`,
  );
  return windowOf(node, xs as number[], b.shape(y).slice(2) as number[], []);
}

/**
 * MaxPool: each dy goes to the input element MaxPool's own Indices output names (flat over N·C·H·W), added up where
 * overlapping windows share a maximum. Ties therefore go to the one element ORT picked, as in PyTorch, rather than
 * being split or given to every tied element as a comparison mask would.
 */
export function maxPoolGrad(b: GradGraph, x: string, indices: string, dy: string): string {
  invariant(indices !== undefined && indices !== '', 'MaxPool in a training graph must expose its Indices output');
  const flat = (t: string) => b.reshape(t, [-1]);
  const scattered = b.node('ScatterElements', [flat(b.zerosLike(x)), flat(indices), flat(dy)], {
    axis: attr.int(0),
    reduction: attr.string('add'),
  })[0]!;
  return b.reshapeLike(scattered, x);
}

/** Per-output-position divisor of an AveragePool along one axis (windows clipped by padding and ceil_mode). */
function divisors(w: Window, i: number, includePad: boolean): number[] {
  return Array.from({ length: w.out[i]! }, (_, o) => {
    const start = o * w.s[i]! - w.p[i]!;
    const end = Math.min(start + w.k[i]!, w.in[i]! + w.p[i + w.in.length]!);
    return includePad ? end - start : Math.min(end, w.in[i]!) - Math.max(start, 0);
  });
}

/** AveragePool: dy divided by each window's divisor, spread back by a depthwise ConvTranspose with a ones kernel. */
export function averagePoolGrad(b: GradGraph, node: Node, x: string, y: string, dy: string): string {
  const w = poolWindow(b, node, x, y);
  const c = b.shape(x)[1];
  invariant(typeof c === 'number', `AveragePool '${node.name}': channels must be static`);
  const per = w.out.map((_, i) => divisors(w, i, intAttr(node, 'count_include_pad', 0) === 1));
  let inv: number[] = [1];
  for (const d of per) inv = inv.flatMap((v) => d.map((n) => v / n));
  const scaled = b.mul(dy, b.constLike(dy, [1, 1, ...w.out], inv));
  const ones = b.constLike(dy, [c, 1, ...w.k], new Array<number>(c * w.k.reduce((p, v) => p * v, 1)).fill(1));
  const t = transposedPads(w);
  return b.convTranspose(scaled, ones, undefined, {
    strides: w.s,
    pads: t.pads,
    group: c,
    output_padding: t.outputPadding,
  });
}

/** GlobalAveragePool: dy / (H·W) broadcast over the spatial axes. */
export function globalAveragePoolGrad(b: GradGraph, x: string, dy: string): string {
  const spatial = [...Array(b.shape(x).length - 2).keys()].map((i) => i + 2);
  return b.expandLike(b.div(dy, b.count(x, spatial)), x);
}
