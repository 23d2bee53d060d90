import type { Node } from '../onnx/types.js';
import type { ConvGradWForm } from './conv-grad-forms.js';
import type { GradGraph } from './grad-graph.js';
import { intAttr } from './grad-rule.js';
import { invariant } from '../core/errors.js';
import { transposedPads, windowOf, type Window } from './window.js';

/**
 * Conv gradients. Each has a plain form (ConvTranspose for the input, a Conv over the batch axis for the weight) and
 * faster forms picked per case by measurement on ORT CPU (docs/ARCHITECTURE.md, "Autodiff"; bench/grad-forms.ts).
 */

export interface ConvCase {
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
  invariant(
    typeof ci === 'number' && spatial.every((d) => typeof d === 'number'),
    `Conv '${node.name}': channels and spatial sizes must be static`,
  );
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

/** Stride-1 input gradient as a Conv of dy with the kernel flipped and its channel roles swapped per group. */
function gradXFlippedConv(c: ConvCase): string {
  const { b, w, dy, win, g } = c;
  const sp = win.k.length;
  const ws = b.staticShape(w);
  const grouped = b.reshape(w, [g, c.co / g, ws[1]!, ...win.k]);
  const swapped = b.reshape(b.transpose(grouped, [0, 2, 1, ...range(sp).map((i) => i + 3)]), [
    c.ci,
    c.co / g,
    ...win.k,
  ]);
  const big = -(2 ** 31);
  const flipped = b.slice(
    swapped,
    win.k.map(() => -1),
    win.k.map(() => big),
    range(sp).map((i) => i + 2),
    win.k.map(() => -1),
  );
  const pads = win.p.map((p, i) => (win.k[i % sp]! - 1) * win.d[i % sp]! - p);
  return b.conv(dy, flipped, undefined, { pads, dilations: win.d, group: g });
}

/** The input gradient as the transposed convolution of dy (any stride). */
function gradXConvTranspose(c: ConvCase): string {
  const t = transposedPads(c.win);
  return c.b.convTranspose(c.dy, c.w, undefined, {
    strides: c.win.s,
    pads: t.pads,
    dilations: c.win.d,
    group: c.g,
    output_padding: t.outputPadding,
  });
}

/** Input-gradient forms by name. */
export const convGradXForms = { flippedConv: gradXFlippedConv, convTranspose: gradXConvTranspose };

/**
 * The input-gradient form for a case: the flipped-kernel Conv at stride 1, which ORT runs on its blocked kernels and
 * ConvTranspose cannot (figures: docs/ARCHITECTURE.md, "Gradient forms, measured"); ConvTranspose at stride > 1, where
 * the flipped form would need dy dilated by zeros first.
 */
export function pickGradX(c: ConvCase): keyof typeof convGradXForms {
  return c.b.paths === 'fast' && flippedConvApplies(c) ? 'flippedConv' : 'convTranspose';
}

/** ∂L/∂x of a Conv. */
export function convGradX(c: ConvCase, form = pickGradX(c)): string {
  return convGradXForms[form](c);
}

/** ∂L/∂w of a Conv. */
export function convGradW(c: ConvCase, form = pickGradW(c)): string {
  return convGradWForms[form](c);
}

/**
 * Every kernel offset t: x (padded once) sliced to the positions that offset reads, [N, C, out…] or spatial-first.
 * The offset that reads x exactly as it is (the centre of a "same" conv) uses x without a copy.
 */
function shifted(c: ConvCase, x: string, spatialAxis: number): string[] {
  const { b, win } = c;
  const sp = win.k.length;
  const rank = b.shape(x).length;
  const axes = range(sp).map((i) => i + spatialAxis);
  const pads = new Array<number>(2 * rank).fill(0);
  axes.forEach((a, i) => ([pads[a], pads[a + rank]] = [win.p[i]!, win.p[i + sp]!]));
  const padded = pads.some((v) => v) ? b.node('Pad', [x, b.ints(pads)])[0]! : x;
  const offsets = win.k.reduce<number[][]>((acc, k) => acc.flatMap((o) => range(k).map((t) => [...o, t])), [[]]);
  return offsets.map((t) => {
    const starts = t.map((v, i) => v * win.d[i]!);
    if (starts.every((v, i) => v === win.p[i] && win.s[i] === 1 && win.out[i] === win.in[i])) return x;
    return b.slice(
      padded,
      starts,
      starts.map((v, i) => v + win.s[i]! * (win.out[i]! - 1) + 1),
      axes,
      win.s,
    );
  });
}

/** [Co, K·Ci] (offset-major columns) reordered to a weight [Co, Ci, k…]. */
function offsetsLast(c: ConvCase, w: string, ci: number): string {
  const K = prod(c.win.k);
  return K === 1
    ? c.b.reshape(w, [c.co, ci, ...c.win.k])
    : c.b.reshape(c.b.transpose(c.b.reshape(w, [c.co, K, ci]), [0, 2, 1]), [c.co, ci, ...c.win.k]);
}

/**
 * Per kernel offset: dy · (shifted x)ᵀ per sample and group (a batched MatMul); offsets concatenated, summed over N.
 */
function convGradWShifts(c: ConvCase): string {
  const { b, x, dy, win, g, ci, co } = c;
  const outN = prod(win.out);
  const dy4 = b.reshape(dy, [0, g, co / g, outN]);
  const parts = shifted(c, x, 2).map((t) => b.matMul(dy4, b.transposeLast(b.reshape(t, [0, g, ci / g, outN]))));
  const w = b.reduceSum(parts.length === 1 ? parts[0]! : b.concat(parts, 3), [0], 0);
  return offsetsLast(c, b.reshape(w, [co, -1]), ci / g);
}

/** Whether the flat layout (`flatShifts`, `rowShifts`) applies: 2-D, stride 1. */
function flatShiftsApplies(c: ConvCase): boolean {
  return c.win.k.length === 2 && c.win.s.every((s) => s === 1);
}

/** Whether a weight-gradient form can compute this case: the flat forms need 2-D stride 1, `shiftsNhwc` one group. */
export function convGradWApplies(c: ConvCase, form: ConvGradWForm): boolean {
  if (form === 'flatShifts' || form === 'rowShifts') return flatShiftsApplies(c);
  if (form === 'shiftsNhwc') return c.g === 1;
  return true;
}

/** x padded (plus one spare row) and flattened to rows of width Wp, dy padded with zero columns to that width. */
function flatLayout(c: ConvCase): { xf: string; dyf: string; wp: number; ho: number } {
  const { b, x, dy, win, g, ci, co } = c;
  const [ho, wo] = win.out as [number, number];
  const [pt, pl, pb, pr] = win.p as [number, number, number, number];
  const wp = win.in[1]! + pl + pr;
  const hp = win.in[0]! + pt + pb + 1;
  const xf = b.reshape(b.node('Pad', [x, b.ints([0, 0, pt, pl, 0, 0, pb + 1, pr])])[0]!, [0, g, ci / g, hp * wp]);
  const dyf = b.reshape(b.padAxis(dy, 3, 0, wp - wo), [0, g, co / g, ho * wp]);
  return { xf, dyf, wp, ho };
}

/**
 * Like `shifts`, with every shifted copy one contiguous run per (sample, channel) in the flat layout (`flatLayout`):
 * the offset (a, b) is the flat range starting at a·d·Wp + b·d. Columns past the output width read wrapped-around x
 * but meet dy's zeros. ORT's Slice copies a run of ~1,000 floats at a time instead of rows of 32 (figures:
 * docs/ARCHITECTURE.md, "Gradient forms, measured").
 */
function convGradWFlatShifts(c: ConvCase): string {
  invariant(flatShiftsApplies(c), 'the flat-shift weight gradient needs a 2-D Conv of stride 1');
  const { b, win, g, ci, co } = c;
  const { xf, dyf, wp, ho } = flatLayout(c);
  const offsets = range(win.k[0]!).flatMap((a) => range(win.k[1]!).map((bb) => a * win.d[0]! * wp + bb * win.d[1]!));
  const parts = offsets.map((o) => b.matMul(dyf, b.transposeLast(b.slice(xf, [o], [o + ho * wp], [3]))));
  const w = b.reduceSum(b.concat(parts, 3), [0], 0);
  return offsetsLast(c, b.reshape(w, [co, -1]), ci / g);
}

/**
 * Like `flatShifts`, one GEMM per kernel row instead of per offset: within a row the offsets differ by a shift of
 * the flat axis, which moves to dy instead — dy's kw shifted copies stacked along its channels ([N, g, kw·Co/g, ·])
 * meet one slice of x per row, so kh slices of x and kh MatMuls kw times taller replace kh·kw of each.
 */
function convGradWRowShifts(c: ConvCase): string {
  invariant(flatShiftsApplies(c), 'the row-shift weight gradient needs a 2-D Conv of stride 1');
  const { b, win, g, ci, co } = c;
  const [kh, kw] = win.k as [number, number];
  const [dh, dw] = win.d as [number, number];
  const { xf, dyf, wp, ho } = flatLayout(c);
  const span = (kw - 1) * dw;
  const run = ho * wp + span;
  // Copy t of the stack holds dy moved t·dw along the flat axis, so it meets x at offset (row, t).
  const dyp = b.padAxis(dyf, 3, span, span);
  const stack = b.concat(
    range(kw).map((t) => b.slice(dyp, [span - t * dw], [span - t * dw + run], [3])),
    2,
  );
  const parts = range(kh).map((a) =>
    b.matMul(stack, b.transposeLast(b.slice(xf, [a * dh * wp], [a * dh * wp + run], [3]))),
  );
  // [g, kw, Co/g, kh, Ci/g] → [Co, Ci/g, kh, kw]
  const w = b.reduceSum(b.concat(parts, 3), [0], 0);
  const five = b.reshape(w, [g, kw, co / g, kh, ci / g]);
  return b.reshape(b.transpose(five, [0, 2, 4, 3, 1]), [co, ci / g, kh, kw]);
}

/**
 * Per kernel offset, one GEMM over the whole batch: dy as [Co, N·out] times shifted x as [N·out, Ci] (channels last).
 */
function convGradWShiftsNhwc(c: ConvCase): string {
  const { b, x, dy, win, ci, co } = c;
  const sp = win.k.length;
  const last = b.transpose(x, [0, ...range(sp).map((i) => i + 2), 1]);
  const dyT = b.reshape(b.transpose(dy, [1, 0, ...range(sp).map((i) => i + 2)]), [co, -1]);
  const parts = shifted(c, last, 1).map((t) => b.matMul(dyT, b.reshape(t, [-1, ci])));
  return offsetsLast(c, parts.length === 1 ? parts[0]! : b.concat(parts, 1), ci);
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
  const cut = b.slice(
    full,
    win.k.map(() => 0),
    win.k,
    range(sp).map((i) => i + 2),
  );
  return b.transpose(cut, [1, 0, ...range(sp).map((i) => i + 2)]);
}

/** Weight-gradient forms by name. */
export const convGradWForms: Readonly<Record<ConvGradWForm, (c: ConvCase) => string>> = {
  shifts: convGradWShifts,
  flatShifts: convGradWFlatShifts,
  rowShifts: convGradWRowShifts,
  shiftsNhwc: convGradWShiftsNhwc,
  oneHot: convGradWIm2col,
  batchConv: convGradWBatchConv,
};

/**
 * Below this many im2col values per sample (Ci·K·out) the one-hot im2col is the fastest form with several threads:
 * the most ResNet-20 needs is 32·9·256; measured up to there, and kept from larger maps, whose im2col is 9× the input.
 */
const oneHotCols = 1 << 17;

/**
 * The weight-gradient form for a case, as measured at ResNet-20's shapes (bench/grad-forms.ts; ARCHITECTURE.md,
 * "Autodiff"). With several threads the one-hot im2col wins for narrow inputs, at stride 2, and for inputs of 32
 * channels or more while its im2col stays small, since ORT splits its grouped Conv and wide GEMM across threads while
 * Slice and Pad run on one; the rest take the row shifts (stride 1) or one channels-last GEMM per offset. On one
 * thread the one-hot im2col wins only for narrow inputs; wide or strided ones take the channels-last GEMMs, the rest
 * the flat shifts.
 */
export function pickGradW(c: ConvCase): ConvGradWForm {
  const forced = c.b.convGradW;
  if (forced) return convGradWApplies(c, forced) ? forced : 'shifts';
  if (c.b.paths !== 'fast') return 'batchConv';
  const multi = c.b.threads > 1;
  const strided = c.win.s.some((s) => s > 1);
  if (c.ci < 16 || (multi && strided)) return 'oneHot';
  if (multi && c.ci >= 32 && c.ci * prod(c.win.k) * prod(c.win.out) <= oneHotCols) return 'oneHot';
  if (c.g === 1 && (strided || c.ci >= 64 || (c.ci >= 32 && !multi))) return 'shiftsNhwc';
  if (flatShiftsApplies(c)) return multi ? 'rowShifts' : 'flatShifts';
  return 'shifts';
}

/** ∂L/∂bias of a Conv: dy summed over batch and space. */
export function convGradB(b: GradGraph, dy: string): string {
  return b.reduceSum(dy, [0, ...range(b.shape(dy).length - 2).map((i) => i + 2)], 0);
}
