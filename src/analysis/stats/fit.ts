import { check } from '../../core/errors.js';
import { weightedSum, type Estimate } from '../../stats/confidence.js';
import type { FitEstimate } from '../../run-folder/analysis.js';

export type { FitLayer, FitEstimate } from '../../run-folder/analysis.js';

/** Bits in the "Mbit" of a FIT/Mbit figure: 2^20, as memory soft-error rates are quoted. */
export const bitsPerMbit = 2 ** 20;

/**
 * Default raw upset rate: 1000 FIT/Mbit, the top of the 100–1000 FIT/Mbit range commonly quoted for SRAM at sea
 * level in recent nodes (older planar nodes reported more). An assumption for illustration, not a measurement:
 * pass your technology's figure.
 */
export const defaultRawFitPerMbit = 1000;

/** The range the default is drawn from, for reports that show a band. */
export const rawFitPerMbitRange = [100, 1000] as const;

/** One layer's inputs: activation bits computed per inference and the SDC (mismatch) probability per upset. */
export interface FitLayerInput {
  layer: string;
  bitsPerInference: number;
  sdc: Estimate;
}

/**
 * P(SDC | an upset in one stored bit) from per-bit rates, for a format storing `shared` bits once per `block` values
 * (BFP's exponent): each pattern bit weighs its share of a value's stored bits, a shared bit 1/block of one, so the
 * exponent counts as much as the storage it occupies. Undefined when a bit has no estimate (the caller keeps the
 * per-site rate).
 */
export function storageWeightedSdc(
  perBit: ReadonlyMap<number, Estimate>,
  format: { bits: number; storedBits: number; shared?: number },
  block: number,
): Estimate | undefined {
  const terms = [];
  for (let b = 0; b < format.bits; b++) {
    const estimate = perBit.get(b);
    if (!estimate) return undefined;
    const share = ((format.shared ?? 0) >>> b) & 1 ? 1 / block : 1;
    terms.push({ weight: share / format.storedBits, estimate });
  }
  return weightedSum(terms);
}

/** Activation bits a layer produces per inference: output elements per image × bits stored per value. */
export function activationBits(elementsPerImage: number, bitsPerValue: number): number {
  return elementsPerImage * bitsPerValue;
}

/**
 * SDC FIT = raw FIT/Mbit × (activation bits / 2^20) × P(SDC | upset), per layer; the model's is the sum over layers.
 * Linear in the raw rate and in the bits; the CI is the SDC probability's, scaled (raw rate and bits are taken as
 * exact), and the total's adds the layers' in quadrature (independent campaigns).
 */
export function sdcFit(layers: readonly FitLayerInput[], rawFitPerMbit: number = defaultRawFitPerMbit): FitEstimate {
  check(
    Number.isFinite(rawFitPerMbit) && rawFitPerMbit >= 0,
    'bad_argument',
    () =>
      `raw upset rate must be a FIT/Mbit figure ≥ 0 (SRAM at sea level: about ${rawFitPerMbitRange.join('–')}); got ${rawFitPerMbit}`,
  );
  const perLayer = layers.map((l) => {
    const scale = rawFitPerMbit * (l.bitsPerInference / bitsPerMbit);
    return { input: l, scale, fit: { value: scale * l.sdc.value, ci: scale * l.sdc.ci } };
  });
  const total = weightedSum(perLayer.map((p) => ({ weight: 1, estimate: p.fit })));
  return {
    rawFitPerMbit,
    layers: perLayer.map((p) => ({
      layer: p.input.layer,
      bitsPerInference: p.input.bitsPerInference,
      fit: p.fit.value,
      fitCi: p.fit.ci,
    })),
    totalBits: layers.reduce((s, l) => s + l.bitsPerInference, 0),
    fit: total.value,
    fitCi: total.ci,
  };
}

/** The paragraph a report prints beside FIT figures, so a hardware engineer knows what they rest on. */
export function fitAssumptions(rawFitPerMbit: number = defaultRawFitPerMbit): string {
  return [
    `SDC FIT (failures per 10^9 device-hours) = raw upset rate × activation bits × P(mismatch | upset in that layer),`,
    `summed over the injected layers. Raw rate: ${rawFitPerMbit} FIT/Mbit (1 Mbit = 2^20 bits), an assumption in the`,
    `${rawFitPerMbitRange.join('–')} FIT/Mbit range quoted for SRAM at sea level; scale linearly for another figure.`,
    `Each activation bit of one inference is treated as one exposed storage bit, as if the accelerator ran back to back`,
    `with every activation resident; weights, control logic and ECC-protected memory (paper §5.2) are not counted.`,
    `P(mismatch) is the campaign's rate for single-bit flips (non-finite outputs are DUEs, not SDCs), and its 99% CI is`,
    `the only uncertainty carried; layers are assumed independent.`,
  ].join(' ');
}
