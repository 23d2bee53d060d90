import { numberFormat } from '../faults/formats/registry.js';
import type { FormatComparison } from './compare.js';
import { campaignGolden, type CampaignSettings, type RunDir } from './run-dir.js';
import type { FormatGolden, FormatEntry } from '../run-folder/analysis.js';

export type { FormatBasis, FormatGolden, FormatEntry } from '../run-folder/analysis.js';

/**
 * The formats section (issue 16 must-show 3): which number formats the comparison holds, how each met the network,
 * each model's golden accuracy there, and its campaigns by kind. The numbers per campaign stay in
 * `comparison.formats` (the verdict's computation); this only groups them, so the statistics exist once.
 */

/** Campaign kinds in table order; the first that matches names a campaign (contract F's `F`, `F-rd`, `F-guard`). */
const kinds: { kind: string; is: (c: CampaignSettings) => boolean }[] = [
  { kind: 'plain', is: (c) => !c.rangeDetector && !c.guard },
  { kind: 'range detector', is: (c) => c.rangeDetector && !c.guard },
  { kind: 'score guard', is: (c) => !c.rangeDetector && c.guard !== undefined },
  { kind: 'range detector + score guard', is: () => true },
];

/** A campaign's kind, with what else sets it apart from the preset's activation bit flips. */
function kindOf(c: CampaignSettings): { kind: string; order: number } {
  const order = kinds.findIndex((k) => k.is(c));
  const extras = [
    ...(c.target === 'weights' ? ['weights'] : []),
    ...(c.errorModel === 'bit-flip' ? [] : [c.errorModel]),
  ];
  return { kind: [kinds[order]!.kind, ...extras].join(', '), order: order + (extras.length ? 0.5 : 0) };
}

/** The registry's name of a format spec (`bfp8` and `bfp:8:m7` are one format); an unknown spec is its own name. */
function canonical(format: string): string {
  try {
    return numberFormat(format).name;
  } catch {
    return format;
  }
}

/**
 * One model's golden accuracy for campaigns in `format` (`run.golden`: the golden run they were measured against,
 * campaignGolden): the format's own only when the network was emulated in it.
 */
export function formatGolden(run: Pick<RunDir, 'golden'>, format: string): FormatGolden {
  const emulated = run.golden.model.emulated;
  return {
    accuracy: run.golden.accuracy,
    basis: emulated !== undefined && canonical(emulated) === canonical(format) ? 'whole network' : 'value-only',
    network: emulated ?? 'fp32',
  };
}

/**
 * The formats of a comparison in its order (the primary first), each with both golden runs and its campaigns; null
 * when the campaigns hold fewer than two formats — the verdict table already is a one-format run's formats table.
 */
export function formatsSection(
  baseline: RunDir,
  textGuided: RunDir,
  campaigns: readonly FormatComparison[],
): FormatEntry[] | null {
  const byFormat = new Map<string, { campaign: string; kind: string; order: number }[]>();
  for (const c of campaigns) {
    const list = byFormat.get(c.baseline.format) ?? [];
    list.push({ campaign: c.format, ...kindOf(c.baseline) });
    byFormat.set(c.baseline.format, list);
  }
  if (byFormat.size < 2) return null;
  // A format's campaigns share one golden run (the run's, or its formats/F/ folder's): the first one's stands for all.
  const golden = (run: RunDir, list: { campaign: string }[], format: string) =>
    formatGolden({ golden: campaignGolden(run, list[0]!.campaign) }, format);
  return [...byFormat].map(([format, list]) => ({
    format,
    baseline: golden(baseline, list, format),
    textGuided: golden(textGuided, list, format),
    campaigns: list
      .sort((a, b) => a.order - b.order || (a.campaign < b.campaign ? -1 : 1))
      .map(({ campaign, kind }) => ({ campaign, kind })),
  }));
}
