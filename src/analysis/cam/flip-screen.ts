import type { Model, TensorData } from '../../onnx/types.js';
import { Session } from '../../engine/session.js';
import { fp32 } from '../../faults/formats/fp32.js';
import { check } from '../../core/errors.js';
import { applyWeightFlips, type WeightFlip } from './weight-flips.js';
import { stack } from './ablation-cam.js';

/** Which of the drawn weight flips a CAM comparison keeps, and why the others went. */
export interface FlipScreen {
  /** Draws made; each draw is one flip per model (index-aligned lists). */
  drawn: number;
  /** Each model's kept flips, in draw order; draw i is kept or dropped in every model together. */
  kept: WeightFlip[][];
  /** Draws whose faulty weight, in some model, is not finite or larger than `bound` × its tensor's largest |w|. */
  droppedByRange: number;
  /** Draws dropped next because, with the kept flips applied, some model's output was not finite on the images. */
  droppedByOutput: number;
}

/** The rule `screenFlips` applies with a given bound, worded for the report and analysis.json. */
export function flipRule(bound: number): string {
  const limit = bound === 1 ? 'the largest |w| of its tensor' : `${bound} × the largest |w| of its tensor`;
  return `a draw is kept when, in both models, the flipped weight is finite and no larger in magnitude than ${limit}; then, while a model's output on the measured images is not finite with the kept flips, the first kept draw (in draw order) whose prefix makes it non-finite, found by bisection, is dropped`;
}

/** Every output of `model` on the stacked images is finite. */
async function finiteOn(model: Model, x: TensorData): Promise<boolean> {
  const s = await Session.create(model, { threads: 1 });
  try {
    const out = await s.run({ [model.graph.inputs[0]!.name]: x });
    return Object.values(out).every((t) => (t.data as Float32Array).every((v) => Number.isFinite(v)));
  } finally {
    await s.release();
  }
}

/**
 * Restricts drawn weight flips to those that leave both models' outputs finite (`flipRule`), so the "after" maps
 * exist: a flip of exponent bit 30 turns a weight below 2 into ~1e38 and the network overflows, which says nothing
 * about where it looks. The bound check is cheap and removes nearly every such draw; the output check then proves the
 * kept set finite on exactly the images measured (one run per model when nothing overflows). Checking outputs alone,
 * draw by draw, took 44 s on ResNet-20 and kept weights of ~1e37 whose maps overflow float32 anyway. Deterministic:
 * no randomness beyond the draws handed in.
 */
export async function screenFlips(
  models: readonly Model[],
  plans: readonly (readonly WeightFlip[])[],
  images: readonly TensorData[],
  bound = 1,
): Promise<FlipScreen> {
  const drawn = plans[0]?.length ?? 0;
  check(
    bound > 0,
    'bad_argument',
    () => `the weight-flip bound must be > 0 (a multiple of a tensor's largest |w|); got ${bound}`,
  );
  check(
    plans.length === models.length && plans.every((p) => p.length === drawn),
    'bad_argument',
    () => `weight flips: one list per model of equal length expected; got ${plans.map((p) => p.length).join(', ')}`,
  );
  const maxAbs = models.map(() => new Map<string, number>());
  const inRange = (m: number, f: WeightFlip) => {
    const w = models[m]!.graph.initializers.get(f.tensor)!.data as Float32Array;
    let max = maxAbs[m]!.get(f.tensor);
    if (max === undefined) maxAbs[m]!.set(f.tensor, (max = w.reduce((a, v) => Math.max(a, Math.abs(v)), 0)));
    const faulty = fp32.flip(w[f.index]!, f.bit);
    return Number.isFinite(faulty) && Math.abs(faulty) <= max * bound;
  };
  let keep: number[] = [];
  for (let i = 0; i < drawn; i++) if (models.every((_, m) => inRange(m, plans[m]![i]!))) keep.push(i);
  const droppedByRange = drawn - keep.length;

  const x = stack(images);
  const finite = async (draws: readonly number[]) => {
    if (!x) return true;
    for (let m = 0; m < models.length; m++) {
      if (
        !(await finiteOn(
          applyWeightFlips(
            models[m]!,
            draws.map((i) => plans[m]![i]!),
          ),
          x,
        ))
      )
        return false;
    }
    return true;
  };
  check(await finite([]), 'bad_model', () => `a model's output is not finite on the CAM images before any flip`);
  // Bisection over prefixes of the kept draws: prefix `lo` is known finite, prefix `hi` not; the draw ending the
  // shortest failing prefix goes. Each round drops one draw, so this ends; the last check passed on the final set.
  let lo = 0;
  while (!(await finite(keep))) {
    let hi = keep.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (await finite(keep.slice(0, mid))) lo = mid;
      else hi = mid;
    }
    keep = [...keep.slice(0, hi - 1), ...keep.slice(hi)];
    lo = hi - 1;
  }
  return {
    drawn,
    kept: plans.map((p) => keep.map((i) => p[i]!)),
    droppedByRange,
    droppedByOutput: drawn - droppedByRange - keep.length,
  };
}
