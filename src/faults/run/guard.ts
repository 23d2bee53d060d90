import { TgrError, check, lookup } from '../../core/errors.js';
import type { Classifier } from '../model/classifier.js';
import { bitsToF32, f32ToBits } from '../formats/fp32.js';
import { goldenPool, readGoldenActivations } from './golden.js';
import { emulatedHead, headIn, type TextGuidedHead } from './guard-format.js';
import type { GoldenRun } from '../store/records.js';

/**
 * The score guard: a check on the class scores after the last layer. A score beyond its class's bound, or NaN, is a
 * detected error — the inference is discarded and re-executed, so the fault is a DUE, never an SDC, and is left out
 * of ΔLoss (the record keeps the faulty outcome for inspection).
 * - `analytic` (text-guided heads only): scores = exp(s)·(f̂·Pᵀ) with ‖f̂‖ ≤ 1, so |z_c| ≤ exp(s)·‖P_c‖ from the
 *   weights alone, no profiling.
 * - `profiled` (any model): |z_c| ≤ the golden run's max |z_c| — the range detector on the logits, the best a head
 *   without a proof can have.
 * Undetected means every score is finite and inside its bound, which bounds the cross-entropy whatever the fault was.
 */
export const guards = {
  none: '',
  analytic: 'text-guided heads: each logit within exp(s)·‖P_c‖, from the weights',
  profiled: 'within the golden max |logit|',
} as const;

/** A guard's name, as the CLI and plan.json spell it. */
export type GuardKind = keyof typeof guards;

/** The guard names in table order. */
export const guardKinds = Object.keys(guards) as GuardKind[];

const u = 2 ** -24; // fp32 unit roundoff

/**
 * Relative margin of the analytic bound over exp(s)·‖P_c‖, for a latent of width E and `ops` elementwise ops after the
 * projection. An unfaulted fp32 head can exceed the real-number bound only by rounding: Σf² carries relative error
 * ≤ γ_E = Eu/(1 − Eu) (all terms positive), the square root and the division one u each, so the computed ‖f̂‖ ≤ 1 +
 * (E/2 + 2)u; the projection's dot product errs by ≤ γ_E·‖f̂‖·‖P_c‖ (Cauchy–Schwarz, any summation order, FMA only
 * better); Gemm's alpha/bias and each later op (the exp(s) Mul) one u. First order that is (1.5E + 3 + ops)u; the
 * margin takes (2E + 16 + 2·ops)u, which also covers the second-order terms for any E below 2^20.
 */
export function analyticMargin(E: number, ops: number): number {
  return (2 * E + 16 + 2 * ops) * u;
}

/**
 * Relative margin of the profiled bound over the golden max |z_c|: the runner's golden scores come from other ORT
 * sessions and batch shapes than the golden pass, which may round the last bits differently; 2^-16 (~256 ulps) keeps
 * an unfaulted image from tripping the guard and is far below any fault effect that matters.
 */
export const profiledMargin = 2 ** -16;

/** The smallest fp32 ≥ x (x ≥ 0), so a bound survives being stored and compared in fp32. */
export function f32Up(x: number): number {
  const y = Math.fround(x);
  return y >= x ? y : bitsToF32(f32ToBits(y) + 1);
}

/** The text-guided head the analytic guard needs: the latent layer whose suffix is chain(α·(f/‖f‖)·W + β·b). */
export function textGuidedHead(clf: Classifier): TextGuidedHead | undefined {
  return headIn(clf.model.graph, clf.layers, clf.output.classes);
}

/**
 * Per-class bounds B_c = exp(s)·‖P_c‖ (through the head's constants), rounded up by `analyticMargin`, from weights
 * alone. On a network emulated in a format the projection's output is rounded to it before the scale: the bound is
 * widened there by the format's rounding (`emulatedHead`).
 */
export function analyticBounds(clf: Classifier): number[] {
  const emulated = emulatedHead(clf);
  const head = emulated?.head ?? textGuidedHead(clf);
  check(
    head,
    'bad_argument',
    () =>
      `--guard analytic: ${clf.file} (head '${clf.head}') has no text-guided head (scores = exp(s)·(f/‖f‖)·Pᵀ after a layer), so its logits have no bound from the weights — use --guard profiled`,
  );
  const a = head.form;
  const projected = Array.from({ length: a.K }, (_, c) => {
    let ss = 0;
    for (let e = 0; e < a.E; e++) ss += a.weight(c, e) ** 2;
    return Math.abs(a.alpha) * Math.sqrt(ss) + Math.abs(a.beta * a.bias(c));
  });
  // Emulated: the fp32 rounding up to the projection's output, then the format's, then the chain's own.
  const held = emulated ? emulated.widen(projected.map((b) => b * (1 + analyticMargin(a.E, 0)))) : projected;
  const margin = emulated ? analyticMargin(0, a.chain.length) : analyticMargin(a.E, a.chain.length);
  return held.map((projection, c) => {
    let b = projection;
    for (const o of a.chain) {
      const k = Math.abs(o.value[o.at(c)]!);
      // |x·k| ≤ B·|k|, |x ± k| ≤ B + |k|, |x/k| ≤ B/|k|; k/x has no bound (x may reach 0).
      b = o.op === 'Mul' ? b * k : o.op === 'Div' ? (o.constFirst ? Infinity : b / k) : b + k;
    }
    check(
      Number.isFinite(b),
      'bad_argument',
      () =>
        `--guard analytic: the scores of ${clf.file} after '${head.layer}' are not bounded for class ${c} (a division by the latent or by zero) — use --guard profiled`,
    );
    return f32Up(b * (1 + margin));
  });
}

/** Per-class bounds from the golden run's max |score| per class, with `profiledMargin`. */
export function profiledBounds(golden: GoldenRun): number[] {
  check(
    Array.isArray(golden.scoreMaxAbs) && golden.scoreMaxAbs.length === golden.numClasses,
    'bad_file',
    () =>
      `--guard profiled: golden.json has no per-class score profile (written by an older tgr) — delete golden.json and re-run`,
  );
  return golden.scoreMaxAbs.map((m) => f32Up(m * (1 + profiledMargin)));
}

/**
 * golden.json of older tgr has no `scoreMaxAbs`; the activations it kept hold the scores, so the profile is recomputed
 * from them (same values, same images). Returns the golden run unchanged when it has the profile or kept no scores.
 */
export function withScoreProfile(golden: GoldenRun, goldenPath: string, scores: string): GoldenRun {
  if (golden.scoreMaxAbs || !golden.activations?.tensors.some((t) => t.name === scores)) return golden;
  const { size: K, data } = readGoldenActivations(goldenPath, golden).get(scores)!;
  const scoreMaxAbs = new Array<number>(K).fill(0);
  data.forEach((z, i) => {
    const a = Math.abs(z);
    if (a > scoreMaxAbs[i % K]! && a !== Infinity) scoreMaxAbs[i % K] = a;
  });
  return { ...golden, scoreMaxAbs };
}

const boundsOf: Record<GuardKind, (clf: Classifier, golden: GoldenRun) => number[] | undefined> = {
  none: () => undefined,
  analytic: (clf) => analyticBounds(clf),
  profiled: (_, golden) => profiledBounds(golden),
};

/** The guard's per-class bounds for `kind` (undefined for 'none'); refuses a kind the model cannot have. */
export function guardBounds(kind: string, clf: Classifier, golden: GoldenRun): number[] | undefined {
  return lookup(boundsOf, kind, 'guard (--guard)')(clf, golden);
}

/** True when the guard detects this row of scores: a score NaN or beyond its bound (±Inf always is). */
export function guardTrips(bounds: ArrayLike<number>, scores: ArrayLike<number>): boolean {
  for (let c = 0; c < bounds.length; c++) {
    const z = scores[c]!;
    if (!(Math.abs(z) <= bounds[c]!)) return true;
  }
  return false;
}

/** log Σ exp(x_i) in float64 without overflow. */
function logSumExp(xs: readonly number[]): number {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
}

/**
 * The exact range of cross-entropy against label y when every score z_c lies in [−B_c, B_c]: least with z_y = B_y and
 * the others −B_c, greatest with z_y = −B_y and the others B_c. (The brief's [0, log Σ e^{B_c} + max B_c] contains it.)
 */
export function crossEntropyRange(bounds: readonly number[], y: number): { min: number; max: number } {
  const by = bounds[y]!;
  const others = bounds.filter((_, c) => c !== y);
  return {
    min: Math.log1p(others.reduce((s, b) => s + Math.exp(-b - by), 0)),
    max: logSumExp([-by, ...others]) + by,
  };
}

/** The largest |CE_faulty − CE_golden| an undetected fault can cause on an image with label y and golden loss. */
export function deltaLossBound(bounds: readonly number[], y: number, goldenLoss: number): number {
  const r = crossEntropyRange(bounds, y);
  return Math.max(goldenLoss - r.min, r.max - goldenLoss);
}

/**
 * The proven ΔLoss bound of a campaign: the largest per-image bound over the injection pool, so no undetected single
 * fault on any pool image — in any layer, weight or bit — moves the loss by more (and no mean of them either).
 */
export function poolDeltaLossBound(bounds: readonly number[], golden: GoldenRun): number {
  const pool = new Set(goldenPool(golden));
  let m = 0;
  golden.indices.forEach((img, i) => {
    if (pool.has(img)) m = Math.max(m, deltaLossBound(bounds, golden.labels[i]!, golden.losses[i]!));
  });
  return m;
}

/** Checks bounds read back from plan.json against the model's class count. */
export function checkGuardBounds(bounds: readonly number[] | undefined, classes: number, where: string): void {
  if (bounds && bounds.length !== classes)
    throw new TgrError(
      'bad_plan',
      `${where}: guardBounds has ${bounds.length} entries but the model scores ${classes} classes — re-plan with 'tgr plan'`,
    );
}

/** What a plan records about its guard: the kind and, when on, the bounds and the proven ΔLoss bound. */
export interface PlanGuard {
  guard: GuardKind;
  /** Per-class bounds the scores are checked against (absent for 'none'). */
  guardBounds?: number[];
  /** `poolDeltaLossBound`: no undetected single fault moves an image's loss by more. */
  guardDeltaLossBound?: number;
}

/** The guard fields of a new plan (refuses `analytic` on a model without a text-guided head). */
export function planGuard(kind: string | undefined, clf: Classifier, golden: GoldenRun): PlanGuard {
  const bounds = guardBounds(kind ?? 'none', clf, golden);
  if (!bounds) return { guard: 'none' };
  return {
    guard: kind as GuardKind,
    guardBounds: bounds,
    guardDeltaLossBound: poolDeltaLossBound(bounds, golden),
  };
}
