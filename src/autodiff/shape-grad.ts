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
  if (!v)
    throw new TgrError(
      'missing_grad_rule',
      `node '${node.name}' (${node.opType}): gradient needs constant ${what}, got computed '${t}'`,
    );
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
 * Slice (positive steps): dy spread back to the positions it was taken from. Stepped axes get a new axis after them
 * that one Pad widens to the step (so each kept element is followed by step−1 zeros), then a Reshape merges it; one
 * Pad pass therefore handles every axis. Leftover offsets are a Pad/Slice. The fast form first spreads strided
 * spatial axes (option-A shortcuts slice H and W by 2) with a ConvTranspose.
 */
export function sliceGrad(b: GradGraph, node: Node, [x, st, en, ax, sp]: string[], dyIn: string): string {
  let dy = dyIn;
  const rank = b.shape(x!).length;
  const starts = constInput(b, node, st, 'starts')!;
  const ends = constInput(b, node, en, 'ends')!;
  const axes = (constInput(b, node, ax, 'axes') ?? starts.map((_, i) => i)).map((a) => norm(a, rank));
  const steps = constInput(b, node, sp, 'steps') ?? starts.map(() => 1);
  if (steps.some((v) => v <= 0))
    throw new TgrError('missing_grad_rule', `node '${node.name}' (Slice): negative steps have no gradient rule`);
  const cut = axes.map((axis, j) => {
    const d = staticDim(b, node, x!, axis);
    const s = Math.min(Math.max(starts[j]! < 0 ? starts[j]! + d : starts[j]!, 0), d);
    const m = staticDim(b, node, dy, axis);
    const step = m > 1 ? steps[j]! : 1;
    return { axis, d, s, m, step, r: s % step };
  });
  let stepped = cut.filter((c) => c.step > 1).sort((p, q) => p.axis - q.axis);
  const spread = b.paths === 'fast' ? spreadByConvTranspose(b, dy, stepped) : undefined;
  if (spread) {
    dy = spread;
    stepped = [];
    cut.forEach((c) => c.step > 1 && Object.assign(c, { s: 0, m: c.d, step: 1 }));
  }
  const pos = (axis: number) => axis + stepped.filter((c) => c.axis < axis).length;
  let g = stepped.length
    ? b.unsqueeze(
        dy,
        stepped.map((c) => pos(c.axis) + 1),
      )
    : dy;
  const wide = rank + stepped.length;
  const pads = new Array<number>(2 * wide).fill(0);
  for (const c of cut) {
    if (c.step > 1) [pads[pos(c.axis) + 1], pads[pos(c.axis) + 1 + wide]] = [c.r, c.step - 1 - c.r];
    else [pads[pos(c.axis)], pads[pos(c.axis) + wide]] = [c.s, c.d - c.s - c.m];
  }
  if (pads.some((v) => v !== 0)) g = b.node('Pad', [g, b.ints(pads)])[0]!;
  if (!stepped.length) return g;
  const first = stepped[0]!.axis;
  const dims = b.shape(dy).map((v, i) => {
    const c = cut.find((q) => q.axis === i);
    if (c) return c.step > 1 ? c.m * c.step : c.d;
    return i < first ? 0 : typeof v === 'number' ? v : -1;
  });
  g = b.reshape(g, dims);
  for (const c of stepped) {
    const begin = c.s - c.r;
    const len = c.m * c.step;
    if (begin + len > c.d) g = b.slice(g, [0], [c.d - begin], [c.axis]);
    g = b.padAxis(g, c.axis, begin, Math.max(0, c.d - begin - len));
  }
  return g;
}

/**
 * The fast form of a strided spatial Slice's gradient: a depthwise ConvTranspose with stride = step and a one-hot
 * kernel that places each element at its start offset. Measured 4.5× faster on ORT CPU than the Pad form, whose
 * innermost padded axis has length 1. Undefined where it does not apply (non-spatial axes, float64, a tail of zeros
 * longer than one step).
 */
function spreadByConvTranspose(
  b: GradGraph,
  dy: string,
  stepped: { axis: number; d: number; s: number; m: number; step: number }[],
): string | undefined {
  const shape = b.shape(dy);
  const rank = shape.length;
  const c = shape[1];
  const fits = (q: (typeof stepped)[number]) => q.axis >= 2 && q.d - (q.step * (q.m - 1) + q.s + 1) < q.step;
  if (!stepped.length || b.dtype(dy) !== 'float32' || typeof c !== 'number' || rank < 3 || !stepped.every(fits))
    return undefined;
  const at = (axis: number) => stepped.find((q) => q.axis === axis);
  const spatial = [...Array(rank - 2).keys()].map((i) => i + 2);
  const k = spatial.map((a) => (at(a)?.s ?? 0) + 1);
  const kernel = new Array<number>(c * k.reduce((p, v) => p * v, 1)).fill(0);
  const per = kernel.length / c;
  for (let ch = 0; ch < c; ch++) kernel[(ch + 1) * per - 1] = 1;
  return b.convTranspose(dy, b.constLike(dy, [c, 1, ...k], kernel), undefined, {
    strides: spatial.map((a) => at(a)?.step ?? 1),
    group: c,
    output_padding: spatial.map((a) => {
      const q = at(a);
      return q ? q.d - (q.step * (q.m - 1) + q.s + 1) : 0;
    }),
  });
}

/** Pad (constant mode): dy cropped back to the input. */
export function padGrad(b: GradGraph, node: Node, x: string, pads: string, dy: string): string {
  const mode = node.attrs.mode?.type === 'string' ? node.attrs.mode.value : 'constant';
  const p = constInput(b, node, pads, 'pads')!;
  if (mode !== 'constant' || p.some((v) => v < 0)) {
    throw new TgrError(
      'missing_grad_rule',
      `node '${node.name}' (Pad): only constant mode with pads ≥ 0 has a gradient rule`,
    );
  }
  const rank = b.shape(x).length;
  const axes = [...Array(rank).keys()].filter((a) => p[a] !== 0 || p[a + rank] !== 0);
  if (axes.length === 0) return dy;
  return b.slice(
    dy,
    axes.map((a) => p[a]!),
    axes.map((a) => p[a]! + staticDim(b, node, x, a)),
    axes,
  );
}

/**
 * Gather along an axis: a constant scalar index (a class token, one of q/k/v) pads dy back into place; otherwise dy
 * is scattered (added where an index repeats) into zeros shaped like the data.
 */
export function gatherGrad(b: GradGraph, node: Node, x: string, indices: string, dy: string): string {
  const xs = b.shape(x);
  const axis = norm(intAttr(node, 'axis', 0), xs.length);
  const iRank = b.shape(indices).length;
  const one = b.constValue(indices);
  if (iRank === 0 && one && typeof xs[axis] === 'number') {
    const d = xs[axis] as number;
    const i = one[0]! < 0 ? one[0]! + d : one[0]!;
    return b.padAxis(b.unsqueeze(dy, [axis]), axis, i, d - 1 - i);
  }
  let rows = iRank === 0 ? b.unsqueeze(dy, [axis]) : dy;
  if (iRank > 1) {
    const after = xs.slice(axis + 1);
    invariant(
      after.every((v) => typeof v === 'number'),
      `Gather '${node.name}': axes after ${axis} must be static`,
    );
    rows = b.reshape(dy, [...xs.slice(0, axis).map(() => 0), -1, ...(after as number[])]);
  }
  const idx = b.reshape(
    indices,
    xs.map((_, i) => (i === axis ? -1 : 1)),
  );
  const scatter = b.node('ScatterElements', [b.zerosLike(x), b.expandLike(idx, rows), rows], {
    axis: attr.int(axis),
    reduction: attr.string('add'),
  });
  return b.refineShape(scatter[0]!, xs);
}
