import type { Node } from '../onnx/types.js';
import { attr } from '../onnx/types.js';
import type { GradGraph } from './grad-graph.js';
import { intAttr } from './grad-rule.js';
import { TgrError, invariant } from '../core/errors.js';

const norm = (a: number, rank: number) => (a < 0 ? a + rank : a);

function staticDim(b: GradGraph, node: Node, t: string, axis: number): number {
  const d = b.shape(t)[axis];
  invariant(typeof d === 'number', `${node.opType} '${node.name}': axis ${axis} of '${t}' must be static`);
  return d;
}

function constInput(b: GradGraph, node: Node, t: string | undefined, what: string): number[] | undefined {
  if (!t) return undefined;
  const v = b.constValue(t);
  if (!v) throw new TgrError('missing_grad_rule', `node '${node.name}' (${node.opType}): gradient needs constant ${what}, got computed '${t}'`);
  return v;
}

/** Concat: dy sliced back into each input's extent along the axis (offsets computed at run time where symbolic). */
export function concatGrad(b: GradGraph, node: Node, xs: string[], dy: string): string[] {
  const axis = norm(intAttr(node, 'axis', 0), b.shape(dy).length);
  let at: number | string = 0;
  return xs.map((x) => {
    const n = b.shape(x)[axis]!;
    const start = at;
    if (typeof n === 'number' && typeof start === 'number') {
      at = start + n;
      return b.slice(dy, [start], [at], [axis]);
    }
    const size = typeof n === 'number' ? b.ints([n]) : b.gather(b.node('Shape', [x])[0]!, b.ints([axis]));
    const from = typeof start === 'number' ? b.ints([start]) : start;
    at = b.add(from, size);
    return b.refineShape(b.node('Slice', [dy, from, at, b.ints([axis])])[0]!, b.shape(x));
  });
}

/** Transpose: dy transposed by the inverse permutation. */
export function transposeGrad(b: GradGraph, node: Node, dy: string): string {
  const r = b.shape(dy).length;
  const perm = node.attrs.perm?.type === 'ints' ? node.attrs.perm.value : [...Array(r).keys()].reverse();
  const inv = new Array<number>(r);
  perm.forEach((p, i) => (inv[p] = i));
  return b.transpose(dy, inv);
}

/**
 * Slice (positive steps): per sliced axis, dy is spread to every step-th position (Unsqueeze, Pad, Reshape) and
 * zero-padded out to the input's extent.
 */
export function sliceGrad(b: GradGraph, node: Node, [x, st, en, ax, sp]: string[], dy: string): string {
  const rank = b.shape(x!).length;
  const starts = constInput(b, node, st, 'starts')!;
  const ends = constInput(b, node, en, 'ends')!;
  const axes = (constInput(b, node, ax, 'axes') ?? starts.map((_, i) => i)).map((a) => norm(a, rank));
  const steps = constInput(b, node, sp, 'steps') ?? starts.map(() => 1);
  let g = dy;
  axes.forEach((axis, j) => {
    const d = staticDim(b, node, x!, axis);
    const step = steps[j]!;
    if (step <= 0) throw new TgrError('missing_grad_rule', `node '${node.name}' (Slice): negative steps have no gradient rule`);
    const s = Math.min(Math.max(starts[j]! < 0 ? starts[j]! + d : starts[j]!, 0), d);
    const m = staticDim(b, node, g, axis);
    if (step > 1 && m > 0) {
      const shape = b.shape(g);
      const spaced = b.padAxis(b.unsqueeze(g, [axis + 1]), axis + 1, 0, step - 1);
      const after = shape.slice(axis + 1).map((v) => (typeof v === 'number' ? v : -1));
      g = b.reshape(spaced, [...shape.slice(0, axis).map(() => 0), m * step, ...after]);
    }
    const len = step > 1 ? m * step : m;
    if (s + len > d) g = b.slice(g, [0], [d - s], [axis]);
    g = b.padAxis(g, axis, s, Math.max(0, d - s - len));
  });
  return g;
}

/** Pad (constant mode): dy cropped back to the input. */
export function padGrad(b: GradGraph, node: Node, x: string, pads: string, dy: string): string {
  const mode = node.attrs.mode?.type === 'string' ? node.attrs.mode.value : 'constant';
  const p = constInput(b, node, pads, 'pads')!;
  if (mode !== 'constant' || p.some((v) => v < 0)) {
    throw new TgrError('missing_grad_rule', `node '${node.name}' (Pad): only constant mode with pads ≥ 0 has a gradient rule`);
  }
  const rank = b.shape(x).length;
  const axes = [...Array(rank).keys()].filter((a) => p[a] !== 0 || p[a + rank] !== 0);
  if (axes.length === 0) return dy;
  return b.slice(dy, axes.map((a) => p[a]!), axes.map((a) => p[a]! + staticDim(b, node, x, a)), axes);
}

/** Gather along an axis: dy scattered back (added where an index repeats) into zeros shaped like the data. */
export function gatherGrad(b: GradGraph, node: Node, x: string, indices: string, dy: string): string {
  const xs = b.shape(x);
  const axis = norm(intAttr(node, 'axis', 0), xs.length);
  const after = xs.slice(axis + 1).map((v) => (typeof v === 'number' ? v : -1));
  const rows = b.reshape(dy, [...xs.slice(0, axis).map(() => 0), -1, ...after]);
  const idx = b.reshape(indices, [...xs.slice(0, axis).map(() => 1), -1, ...after.map(() => 1)]);
  const scatter = b.node('ScatterElements', [b.zerosLike(x), b.expandLike(idx, rows), rows], {
    axis: attr.int(axis), reduction: attr.string('add'),
  });
  return b.refineShape(scatter[0]!, xs);
}
