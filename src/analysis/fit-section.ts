import { improvementRatio } from '../stats/improvement.js';
import { numberFormat, numberFormats } from '../faults/formats/registry.js';
import { mismatchOf } from '../faults/metrics/metrics.js';
import type { LayerProfile } from '../run-folder/golden.js';
import {
  activationBits,
  defaultRawFitPerMbit,
  fitAssumptions,
  sdcFit,
  storageWeightedSdc,
  type FitEstimate,
} from './stats/fit.js';
import type { NumberFormat } from '../faults/formats/format.js';
import type { Estimate } from '../stats/confidence.js';
import type { CampaignReliability } from './reliability.js';
import type { FitSection } from '../run-folder/analysis.js';

export type { FitSection } from '../run-folder/analysis.js';

/** The registered format a campaign's format names; undefined for a folder name tgr does not know. */
function formatOf(format: string): NumberFormat | undefined {
  const named = (numberFormats as Record<string, NumberFormat | undefined>)[format];
  if (named || !format.includes(':')) return named;
  try {
    return numberFormat(format); // a family spec: int:4, q:3.4, fp:e5m10, bfp:8:m7
  } catch {
    return undefined;
  }
}

/**
 * A layer's SDC probability per upset stored bit. Where the format stores bits once per block (BFP's exponent) the
 * campaign's sites weigh each exponent bit `block` times its storage share, so the rate is reweighted per bit from
 * the heat map's cells when every bit has one (single-bit flips only); otherwise, and in every other format, the
 * campaign's own rate.
 */
function sdcPerStoredBit(
  c: CampaignReliability,
  m: CampaignReliability['layers'][number],
  fmt: NumberFormat | undefined,
): Estimate {
  if (!fmt?.shared || fmt.grid.kind !== 'blocks' || !c.bits || c.errorModel !== 'bit-flip') return mismatchOf(m);
  const perBit = new Map(
    c.bits
      .filter((cell) => cell.layer === m.layer)
      .map((cell) => [cell.bit, { value: cell.mismatchRate, ci: cell.mismatchCi }] as const),
  );
  return storageWeightedSdc(perBit, fmt, fmt.grid.block) ?? mismatchOf(m);
}

function modelFit(c: CampaignReliability, profiles: readonly LayerProfile[], raw: number): FitEstimate {
  const neurons = new Map(profiles.map((l) => [l.name, l.neurons]));
  const fmt = formatOf(c.format);
  // Bits stored per value: a BFP value counts its block's exponent once per K values; unknown formats count 32.
  const bits = fmt?.storedBits ?? 32;
  return sdcFit(
    c.layers.map((m) => ({
      layer: m.layer,
      bitsPerInference: activationBits(neurons.get(m.layer) ?? 0, bits),
      sdc: sdcPerStoredBit(c, m, fmt),
    })),
    raw,
  );
}

/** SDC FIT per layer and overall for both models (issue 8 §3). */
export function fitSection(
  baseline: { campaign: CampaignReliability; layers: readonly LayerProfile[] },
  textGuided: { campaign: CampaignReliability; layers: readonly LayerProfile[] },
  rawFitPerMbit: number = defaultRawFitPerMbit,
): FitSection {
  const b = modelFit(baseline.campaign, baseline.layers, rawFitPerMbit);
  const t = modelFit(textGuided.campaign, textGuided.layers, rawFitPerMbit);
  return {
    format: baseline.campaign.campaign,
    rawFitPerMbit,
    assumptions: fitAssumptions(rawFitPerMbit),
    baseline: b,
    textGuided: t,
    ratio: improvementRatio({ value: b.fit, ci: b.fitCi }, { value: t.fit, ci: t.fitCi }),
  };
}
