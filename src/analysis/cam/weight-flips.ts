import type { Model, TensorData } from '../../onnx/types.js';
import type { Rng } from '../../core/rng.js';
import { numel } from '../../onnx/tensor.js';
import { fp32 } from '../../faults/formats/fp32.js';
import { check } from '../../core/errors.js';

/** One weight bit flip: an initializer element and the fp32 bit (0 = LSB, 31 = sign). */
export interface WeightFlip {
  tensor: string;
  index: number;
  bit: number;
}

const weighted = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/** The fp32 initializers the matrix ops read (weights and biases), in graph order: the pool flips are drawn from. */
export function weightTensors(model: Model): { name: string; size: number; dims: number[] }[] {
  const seen = new Set<string>();
  const out: { name: string; size: number; dims: number[] }[] = [];
  for (const n of model.graph.nodes) {
    if (!weighted.has(n.opType)) continue;
    for (const t of n.inputs) {
      const init = model.graph.initializers.get(t);
      if (!init || init.dtype !== 'float32' || seen.has(t)) continue;
      seen.add(t);
      out.push({ name: t, size: numel(init.dims), dims: init.dims });
    }
  }
  return out;
}

/**
 * Draws `count` distinct weight flips for each of several models so that they suffer "the same exact perturbations"
 * (paper §7.2) as far as their architectures allow: a draw that lands in a tensor every model has with the same name
 * and shape (the shared backbone) flips the same element and bit in all of them; a draw that lands beyond the shared
 * part lands at the same relative position in each model's own tensors (the heads differ). One Rng stream serves all
 * models, so a seed fixes every list.
 */
export function planWeightFlips(
  models: readonly Model[],
  count: number,
  rng: Rng,
  bits: readonly number[] = allBits,
): WeightFlip[][] {
  check(
    Number.isInteger(count) && count >= 0,
    'bad_argument',
    () => `the number of weight flips must be a whole number ≥ 0; got ${count}`,
  );
  check(
    bits.length > 0 && bits.every((b) => Number.isInteger(b) && b >= 0 && b < 32),
    'bad_argument',
    () => `weight-flip bits must be fp32 bit positions 0..31; got ${bits.join(',')}`,
  );
  const pools = models.map(weightTensors);
  const key = (t: { name: string; dims: number[] }) => `${t.name}:${t.dims.join('x')}`;
  const sharedKeys = pools.map((p) => new Set(p.map(key))).reduce((a, b) => new Set([...a].filter((k) => b.has(k))));
  const shared = pools[0]?.filter((t) => sharedKeys.has(key(t))) ?? [];
  const own = pools.map((p) => p.filter((t) => !sharedKeys.has(key(t))));
  const sharedSize = shared.reduce((s, t) => s + t.size, 0);
  const ownSizes = own.map((o) => o.reduce((s, t) => s + t.size, 0));
  const ownMax = Math.max(0, ...ownSizes);
  const locate = (list: typeof shared, i: number) => {
    for (const t of list) {
      if (i < t.size) return { tensor: t.name, index: i };
      i -= t.size;
    }
    throw new Error(`tgr internal error: weight index past the pool`);
  };
  const capacity = Math.min(...models.map((_, m) => sharedSize + ownSizes[m]!)) * bits.length;
  check(
    count <= capacity,
    'bad_argument',
    () => `asked for ${count} distinct weight flips; the smallest model has only ${capacity} (weights × bits)`,
  );
  const plans: WeightFlip[][] = models.map(() => []);
  const taken = models.map(() => new Set<string>());
  let attempts = 0;
  while (plans[0]!.length < count && models.length > 0) {
    // Near capacity the redraws below could go on for long; give up with a message instead.
    check(
      attempts++ < 100 * count + 1000,
      'bad_argument',
      () => `could not draw ${count} distinct weight flips; ask for fewer`,
    );
    const k = rng.int(sharedSize + ownMax);
    const bit = bits[rng.int(bits.length)]!;
    const sites = models.map((_, m) => {
      if (k < sharedSize) return { ...locate(shared, k), bit };
      const o = ownSizes[m]!;
      // A model with no weights of its own takes the flip in the shared part, at the same relative spot.
      return o > 0
        ? { ...locate(own[m]!, Math.floor(((k - sharedSize) / ownMax) * o)), bit }
        : { ...locate(shared, Math.floor(((k - sharedSize) / ownMax) * sharedSize)), bit };
    });
    // Flipping one bit twice would undo it: every model's list must stay distinct, so a clash redraws for all.
    if (sites.some((s, m) => taken[m]!.has(`${s.tensor}/${s.index}/${s.bit}`))) continue;
    sites.forEach((s, m) => {
      taken[m]!.add(`${s.tensor}/${s.index}/${s.bit}`);
      plans[m]!.push(s);
    });
  }
  return plans;
}

/** All 32 fp32 bit positions. */
export const allBits: readonly number[] = Array.from({ length: 32 }, (_, i) => i);

/** A copy of the model with the flips applied to its weights; the model handed in is left as it was. */
export function applyWeightFlips(model: Model, flips: readonly WeightFlip[]): Model {
  const initializers = new Map(model.graph.initializers);
  const copies = new Map<string, TensorData<'float32'>>();
  for (const f of flips) {
    let t = copies.get(f.tensor);
    if (!t) {
      const orig = initializers.get(f.tensor);
      check(
        orig && orig.dtype === 'float32',
        'bad_fault_site',
        () => `${model.graph.name}: no fp32 initializer '${f.tensor}' to flip a bit in`,
      );
      t = { dtype: 'float32', dims: [...orig.dims], data: (orig.data as Float32Array).slice() };
      copies.set(f.tensor, t);
      initializers.set(f.tensor, t);
    }
    check(
      f.index >= 0 && f.index < t.data.length,
      'bad_fault_site',
      () => `${f.tensor}: element ${f.index} is outside its ${t!.data.length} elements`,
    );
    t.data[f.index] = fp32.flip(t.data[f.index]!, f.bit);
  }
  return { ...model, graph: { ...model.graph, initializers } };
}
