import type { Analysis } from '../analysis/analyse.js';
import type { FormatEntry, FormatGolden } from '../analysis/formats-section.js';
import type { MetricRatio } from '../analysis/metric-ratios.js';
import { esc } from './escape.js';
import { campaignBitFigures, figure } from './figures.js';
import type { Table } from './table.js';
import { interval, sideText } from './verdict-tables.js';

/**
 * The formats section (issue 16 must-show 3): golden accuracy per format, then one table per verdict metric with a row
 * per format × campaign kind × scope, and each format's bit × layer heat maps. The numbers are the verdict's own
 * (`comparison.formats[].metrics`), looked up by campaign, never recomputed.
 */

const scopeName = { lastLayer: 'last layer', overall: 'overall' } as const;

/** A table or figure id part for a metric or a format spec (`critical-0.1`, `int-4`, `q-3.4`). */
const slug = (x: string) => x.replace(/[^A-Za-z0-9.]+/g, '-').toLowerCase();
const metricKey = (m: Pick<MetricRatio, 'metric' | 'tau'>) =>
  m.metric === 'critical' ? `critical-${m.tau}` : m.metric === 'deltaLoss' ? 'delta-loss' : m.metric;

/** "whole network in bf16" or "fp32 network, value-only" for one model's golden run. */
const goldenBasis = (g: FormatGolden) =>
  g.basis === 'whole network' ? `whole network in ${g.network}` : `${g.network} network, value-only`;

/** One line when both models met the format alike, else each model's. */
function basisText(e: FormatEntry): string {
  const [b, t] = [goldenBasis(e.baseline), goldenBasis(e.textGuided)];
  return b === t ? b : `baseline: ${b}; text-guided: ${t}`;
}

/** Golden accuracy per format, and whether it is the format's own or the golden network's. */
export function formatsGoldenTable(formats: readonly FormatEntry[], sfx: string): Table {
  return {
    id: `tbl-formats-golden${sfx}`,
    caption: 'Number formats: golden (fault-free) accuracy per format and how the format met the network',
    columns: [
      { header: 'Format', kind: 'text' },
      { header: 'Golden accuracy of', kind: 'text' },
      { header: 'Baseline', kind: 'pct' },
      { header: 'Text-guided', kind: 'pct' },
      { header: 'Campaigns', kind: 'text' },
    ],
    rows: formats.map((e) => [
      e.format,
      basisText(e),
      e.baseline.accuracy,
      e.textGuided.accuracy,
      e.campaigns.map((c) => `${c.campaign} (${c.kind})`).join(', '),
    ]),
    note:
      'Whole network: every Conv/Gemm/MatMul output was held in the format (tgr emulate), so the golden accuracy is the format’s own and a flip propagates in it. ' +
      'Value-only: a campaign converts only the flipped value to the format and back while the rest of the network computes as the golden network does, so the golden accuracy shown is that network’s, not the format’s.',
  };
}

/** The verdict rows of one metric, for every format × campaign × scope (the verdict's numbers, by campaign name). */
function metricTable(a: Analysis, formats: readonly FormatEntry[], key: string, label: string, sfx: string): Table {
  const byCampaign = new Map(a.comparison.formats.map((f) => [f.format, f]));
  const rows = formats.flatMap((e) =>
    e.campaigns.flatMap(({ campaign, kind }) =>
      (byCampaign.get(campaign)?.metrics ?? [])
        .filter((m) => metricKey(m) === key)
        .map((m) => [
          e.format,
          campaign,
          kind,
          scopeName[m.scope],
          interval(m.baseline),
          interval(m.textGuided),
          m.ratio,
          sideText(m),
        ]),
    ),
  );
  return {
    id: `tbl-formats-${key}${sfx}`,
    caption: `${label} per number format: baseline vs text-guided, baseline ÷ text-guided with its 99% interval`,
    columns: [
      { header: 'Format', kind: 'text' },
      { header: 'Campaign', kind: 'text' },
      { header: 'Kind', kind: 'text' },
      { header: 'Scope', kind: 'text' },
      { header: 'Baseline', kind: 'interval' },
      { header: 'Text-guided', kind: 'interval' },
      { header: 'Baseline ÷ text-guided', kind: 'ratio' },
      { header: '99% interval vs 1', kind: 'text' },
    ],
    rows,
    note: 'The same estimates and intervals as the verdict table (its note defines the metric and the scopes). Kind: plain, range detector (GoldenEye’s, detector on) or score guard.',
  };
}

/** Every table of the formats section; none when the comparison holds fewer than two formats. */
export function formatsTables(a: Analysis, sfx: string): Table[] {
  const formats = a.formats;
  if (!formats) return [];
  const metrics = new Map<string, string>();
  for (const m of a.comparison.formats[0]?.metrics ?? []) metrics.set(metricKey(m), m.label);
  return [
    formatsGoldenTable(formats, sfx),
    ...[...metrics].map(([key, label]) => metricTable(a, formats, key, label, sfx)),
  ];
}

/** Per format, the plain campaign whose heat maps the section draws (the primary campaign's are drawn above it). */
function heatMapCampaigns(a: Analysis): { format: string; campaign: string | undefined }[] {
  const primary = a.comparison.formats[0]?.format;
  return (a.formats ?? []).flatMap((e) => {
    const plain = e.campaigns.find((c) => c.kind === 'plain')?.campaign;
    return plain !== undefined && plain === primary ? [] : [{ format: e.format, campaign: plain }];
  });
}

const figureId = (format: string, model: string, sfx: string) => `fig-formats-bits-${slug(format)}-${model}${sfx}`;

/** Ids of the section's heat maps (reportIds checks the page holds each). */
export function formatsFigureIds(a: Analysis, sfx: string): string[] {
  return heatMapCampaigns(a).flatMap(({ format }) => ['baseline', 'text-guided'].map((m) => figureId(format, m, sfx)));
}

/** The section's HTML: the tables (`table(id)` renders one) and each format's heat maps, or why there are none. */
export function formatsHtml(a: Analysis, sfx: string, table: (id: string) => string): string {
  if (!a.formats)
    return `<p class="empty">${esc(
      a.formats === null
        ? 'One number format: the verdict table above is its formats table (tgr reproduce --formats fp32,bf16,… runs more).'
        : 'This analysis.json predates the formats table; analyse the runs again to see it.',
    )}</p>`;
  const byCampaign = new Map(a.comparison.formats.map((f) => [f.format, f]));
  const primary = a.comparison.formats[0]?.format;
  const maps = heatMapCampaigns(a).map(({ format, campaign }) =>
    campaign === undefined
      ? (['baseline', 'text-guided'] as const)
          .map((m) =>
            figure(
              figureId(format, m, sfx),
              `Bit × layer heat map (${m}, ${format}): no plain campaign in this format.`,
              '<p class="empty">No data.</p>',
            ),
          )
          .join('\n')
      : campaignBitFigures(byCampaign.get(campaign), (m) => figureId(format, m, sfx)),
  );
  const where = primary ? ` (${primary}’s are under Which bits hurt)` : '';
  return [
    ...formatsTables(a, sfx).map((t) => table(t.id)),
    `<p class="note">${esc(`Bit × layer heat maps of each format’s plain campaign${where}.`)}</p>`,
    ...maps,
  ].join('\n');
}
