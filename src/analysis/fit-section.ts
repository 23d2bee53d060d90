import { improvementRatio } from '../stats/improvement.js';
import { numberFormat, numberFormats } from '../faults/formats/registry.js';
import { mismatchOf } from '../faults/metrics/metrics.js';
import type { LayerProfile } from '../run-folder/golden.js';
import { activationBits, defaultRawFitPerMbit, fitAssumptions, sdcFit, type FitEstimate } from './stats/fit.js';
import type { CampaignReliability } from './reliability.js';
import type { FitSection } from '../run-folder/analysis.js';

export type { FitSection } from '../run-folder/analysis.js';

/**
 * Bits stored per value of a format (`storedBits`: a BFP value counts its block's exponent once per K values); an
 * unregistered format folder is taken as 32-bit.
 */
function formatBits(format: string): number {
  const named = (numberFormats as Record<string, { storedBits: number } | undefined>)[format];
  if (named || !format.includes(':')) return named?.storedBits ?? 32;
  try {
    return numberFormat(format).storedBits; // a family spec: int:4, q:3.4, fp:e5m10, bfp:8:m7
  } catch {
    return 32;
  }
}

function modelFit(c: CampaignReliability, profiles: readonly LayerProfile[], raw: number): FitEstimate {
  const neurons = new Map(profiles.map((l) => [l.name, l.neurons]));
  const bits = formatBits(c.format);
  return sdcFit(
    c.layers.map((m) => ({
      layer: m.layer,
      bitsPerInference: activationBits(neurons.get(m.layer) ?? 0, bits),
      sdc: mismatchOf(m),
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
