import type { Graph, Node } from '../../onnx/types.js';
import { numel } from '../../onnx/tensor.js';
import { broadcastIndexer, constValue, type Const } from '../model/const-eval.js';

/**
 * Analytic last layers: faults whose effect on the scores has a closed form, so no suffix runs.
 * - `logit`: the layer output is the scores up to elementwise constants (a final Linear; the text-guided projection
 *   times exp(s)). A fault in element j changes score j alone: score_j = chain(faulty).
 * - `normalized`: the layer output is the text-guided latent f, and the suffix is exactly scores = chain(α·(f/‖f‖)·W
 *   + β·b) with ‖f‖ = max(√(Σf² + ε), m). A change of f_j by δ is a rank-one update: Σf² gains f'_j² − f_j² and
 *   f·W gains δ·W[:, j]; with Σf² and f·W kept per image, a fault costs O(K). Cases where fp32 would overflow fall back
 *   to the suffix, so the two never disagree on a non-finite result.
 * Both are recognised from the suffix graph itself; any other op in it means "not analytic".
 */
export type Analytic =
  | { kind: 'logit'; chain: ElemOp[] }
  | {
      kind: 'normalized';
      chain: ElemOp[];
      eps: number;
      clampMin: number;
      alpha: number;
      beta: number;
      K: number;
      E: number;
      weight: (c: number, e: number) => number;
      bias: (c: number) => number;
    };

/** An elementwise op with a constant: `x op c`, or `c op x` when `constFirst`. */
export interface ElemOp {
  op: 'Add' | 'Sub' | 'Mul' | 'Div';
  value: Float32Array;
  at: (j: number) => number;
  constFirst: boolean;
}

type Sym =
  | { s: 'f' }
  | { s: 'sq' }
  | { s: 'ss'; eps: number }
  | { s: 'norm'; eps: number; clampMin: number }
  | { s: 'fhat' }
  | {
      s: 'lin';
      base: 'f' | 'fhat';
      chain: ElemOp[];
      lin?: Omit<Extract<Analytic, { kind: 'normalized' }>, 'kind' | 'chain' | 'eps' | 'clampMin'>;
    };

/** Recognises an analytic form of the suffix that maps `tensor` (per-image `shape`) to the scores [N, classes]. */
export function analyticForm(
  suffix: Graph,
  tensor: string,
  shape: readonly number[],
  classes: number,
): Analytic | undefined {
  const out = suffix.outputs[0]?.name;
  if (!out || shape.length !== 1) return undefined;
  // A layer as wide as the scores may be the scores up to constants, or the latent of a head whose E equals K.
  const asScores = shape[0] === classes ? formFrom(suffix, out, tensor, shape, classes, true) : undefined;
  return asScores ?? formFrom(suffix, out, tensor, shape, classes, false);
}

function formFrom(
  suffix: Graph,
  out: string,
  tensor: string,
  shape: readonly number[],
  classes: number,
  asScores: boolean,
): Analytic | undefined {
  const producers = new Map(suffix.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const syms = new Map<string, Sym>([[tensor, asScores ? { s: 'lin', base: 'f', chain: [] } : { s: 'f' }]]);
  const isConst = (t: string) => constValue(suffix, t, producers) !== undefined;
  for (const n of suffix.nodes) {
    if (n.inputs.filter(Boolean).every(isConst)) continue; // folded where used
    const sym = step(suffix, n, syms, producers, classes, shape[0]!);
    if (!sym || n.outputs.filter(Boolean).length !== 1) return undefined;
    syms.set(n.outputs[0]!, sym);
  }
  const r = syms.get(out);
  if (!r || r.s !== 'lin') return undefined;
  if (r.base === 'f') return asScores ? { kind: 'logit', chain: r.chain } : undefined;
  // The last norm is the one the Div reads: a clamp (Max, Clip) after Sqrt or ReduceL2 is a norm of its own.
  const norm = [...syms.values()].reverse().find((v): v is Extract<Sym, { s: 'norm' }> => v.s === 'norm');
  return r.lin && norm
    ? { kind: 'normalized', chain: r.chain, eps: norm.eps, clampMin: norm.clampMin, ...r.lin }
    : undefined;
}

function step(
  g: Graph,
  n: Node,
  syms: Map<string, Sym>,
  producers: Map<string, Node>,
  classes: number,
  E: number,
): Sym | undefined {
  const sym = (i: number) => (n.inputs[i] ? syms.get(n.inputs[i]!) : undefined);
  const cst = (i: number): Const | undefined => (n.inputs[i] ? constValue(g, n.inputs[i]!, producers) : undefined);
  const scalar = (i: number) => {
    const c = cst(i);
    return c && numel(c.dims) === 1 ? c.data[0]! : undefined;
  };
  const int = (k: string, d: number) => (n.attrs[k]?.type === 'int' ? (n.attrs[k]!.value as number) : d);
  const flt = (k: string, d: number) => (n.attrs[k]?.type === 'float' ? (n.attrs[k]!.value as number) : d);
  // Reductions over the feature axis only, keeping it (so f / ‖f‖ broadcasts per row).
  const lastAxis = () => {
    const fromInput = n.inputs[1] ? g.initializers.get(n.inputs[1]) : undefined;
    const list = fromInput
      ? Array.from(fromInput.data as ArrayLike<number | bigint>, Number)
      : n.attrs.axes?.type === 'ints'
        ? n.attrs.axes.value
        : undefined;
    return list?.length === 1 && (list[0] === 1 || list[0] === -1) && int('keepdims', 1) === 1;
  };
  const a = sym(0);
  const b = sym(1);
  if (n.opType === 'Mul' && a?.s === 'f' && b?.s === 'f') return { s: 'sq' };
  if (n.opType === 'Add' && a?.s === 'ss' && scalar(1) !== undefined) return { s: 'ss', eps: a.eps + scalar(1)! };
  switch (n.opType) {
    case 'Identity':
      return a;
    case 'Pow':
      if (a?.s === 'f' && scalar(1) === 2) return { s: 'sq' };
      break;
    case 'ReduceSum':
      if (a?.s === 'sq' && lastAxis()) return { s: 'ss', eps: 0 };
      break;
    case 'ReduceSumSquare':
      if (a?.s === 'f' && lastAxis()) return { s: 'ss', eps: 0 };
      break;
    case 'ReduceL2':
      if (a?.s === 'f' && lastAxis()) return { s: 'norm', eps: 0, clampMin: 0 };
      break;
    case 'Sqrt':
      if (a?.s === 'ss') return { s: 'norm', eps: a.eps, clampMin: 0 };
      break;
    case 'Max':
    case 'Clip': {
      const m = scalar(1);
      if (a?.s === 'norm' && m !== undefined && (n.opType === 'Max' || !n.inputs[2]))
        return { ...a, clampMin: Math.max(a.clampMin, m) };
      break;
    }
    case 'Div':
      if (a?.s === 'f' && b?.s === 'norm') return { s: 'fhat' };
      break;
    case 'Gemm':
    case 'MatMul': {
      const w = cst(1);
      if (a?.s !== 'fhat' || !w || w.dims.length !== 2 || int('transA', 0) !== 0) break;
      const transB = int('transB', 0) === 1;
      const [K, E2] = transB ? w.dims : [w.dims[1]!, w.dims[0]!];
      if (K !== classes || E2 !== E) break;
      const c = n.opType === 'Gemm' ? cst(2) : undefined;
      const at = c ? broadcastIndexer(c, [classes]) : undefined;
      if (n.inputs[2] && !at) break;
      const W = w.data;
      return {
        s: 'lin',
        base: 'fhat',
        chain: [],
        lin: {
          alpha: n.opType === 'Gemm' ? flt('alpha', 1) : 1,
          beta: n.opType === 'Gemm' ? flt('beta', 1) : 1,
          K,
          E,
          weight: transB ? (k, e) => W[k * E + e]! : (k, e) => W[e * K + k]!,
          bias: c && at ? (k) => c.data[at(k)]! : () => 0,
        },
      };
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      const lin = a?.s === 'lin' ? a : b?.s === 'lin' ? b : undefined;
      const c = cst(a?.s === 'lin' ? 1 : 0);
      const at = c && broadcastIndexer(c, [classes]);
      if (lin && c && at)
        return { ...lin, chain: [...lin.chain, { op: n.opType, value: c.data, at, constFirst: lin === b }] };
      break;
    }
  }
  return undefined;
}

/** Applies an elementwise chain to score j in fp32. */
export function applyChain(chain: readonly ElemOp[], j: number, x: number): number {
  let v = x;
  for (const o of chain) {
    const c = o.value[o.at(j)]!;
    const [l, r] = o.constFirst ? [c, v] : [v, c];
    v = Math.fround(o.op === 'Add' ? l + r : o.op === 'Sub' ? l - r : o.op === 'Mul' ? l * r : l / r);
  }
  return v;
}

/** Per-image sums the rank-one update starts from: Σf² and f·Wᵀ (float64). */
export interface NormalizedRow {
  ss: number;
  u: Float64Array;
}

/** Σf² and u = f·W for one image's latent row. */
export function normalizedRow(a: Extract<Analytic, { kind: 'normalized' }>, f: Float32Array): NormalizedRow {
  let ss = 0;
  for (const v of f) ss += v * v;
  const u = new Float64Array(a.K);
  for (let k = 0; k < a.K; k++) {
    let s = 0;
    for (let e = 0; e < a.E; e++) s += f[e]! * a.weight(k, e);
    u[k] = s;
  }
  return { ss, u };
}

/**
 * Scores after latent elements `index[i]` change to `value[i]`, written to `out` (K values); false when fp32 could
 * overflow on the way (the caller then runs the suffix, which computes what ORT really gives).
 */
export function normalizedScores(
  a: Extract<Analytic, { kind: 'normalized' }>,
  f: Float32Array,
  row: NormalizedRow,
  index: ArrayLike<number>,
  value: ArrayLike<number>,
  out: Float32Array,
): boolean {
  let ss = row.ss;
  const u = Float64Array.from(row.u);
  for (let i = 0; i < index.length; i++) {
    const e = index[i]!;
    const v = value[i]!;
    if (!Number.isFinite(v) || !Number.isFinite(Math.fround(v * v))) return false;
    const d = v - f[e]!;
    ss += v * v - f[e]! * f[e]!;
    for (let k = 0; k < a.K; k++) u[k] += d * a.weight(k, e);
  }
  const norm = Math.max(Math.sqrt(Math.max(0, ss) + a.eps), a.clampMin);
  if (!(norm > 0) || !Number.isFinite(Math.fround(ss + a.eps))) return false;
  for (let k = 0; k < a.K; k++)
    out[k] = applyChain(a.chain, k, Math.fround((a.alpha * u[k]!) / norm + a.beta * a.bias(k)));
  return true;
}
