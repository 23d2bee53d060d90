import type { Analysis } from '../analysis/analyse.js';
import { esc } from './escape.js';
import { bitFigures, fitFigure, layerFigure, rangeFigure, sweepFigure } from './figures.js';
import { camFigureHtml } from './cam-figure.js';
import { tableHtml, type Table } from './table.js';
import {
  ablationTableOf,
  bitsTable,
  fitTable,
  layersTable,
  modelsTable,
  rangesTable,
  reliabilityTable,
  settingsTable,
  significanceTable,
  smallValuesTable,
  summaryTable,
  sweepTable,
} from './tables.js';
import { layerRatesTable, verdictTable } from './verdict-tables.js';
import { guardTable } from './guard-table.js';
import { formatsFigureIds, formatsHtml, formatsTables } from './formats-table.js';

/**
 * The report page: one self-contained HTML file. Charts are inline SVG, CAM images are data: URIs, styles are inline,
 * and there is no script; a Content-Security-Policy forbids every fetch, so the page reads the same offline, in an
 * archive, or attached to a ticket, and cannot leak anything when opened.
 */

const css = `
body{font:14px/1.45 system-ui,sans-serif;color:#1b1b1b;max-width:1180px;margin:0 auto;padding:16px 24px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:15px;margin-top:22px}
.verdict{font-size:15px;padding:10px 14px;border-left:4px solid #888;background:#f6f6f6}
.verdict.yes{border-color:#1a7f37}.verdict.partly{border-color:#b58900}.verdict.no{border-color:#c62828}
table{border-collapse:collapse;margin:10px 0;font-size:13px}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border:1px solid #d6d6d6;padding:3px 7px;vertical-align:top}th{background:#f1f1f1}td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:14px 0;overflow-x:auto}figcaption{font-size:12.5px;color:#444;max-width:900px}
.note{font-size:12.5px;color:#444;max-width:900px}.empty{color:#777}
.cam-row{display:flex;gap:1em;align-items:flex-start}table.cam-similarity td{white-space:nowrap}table.cam td{text-align:center;font-size:11px}table.cam img{image-rendering:pixelated;display:block;margin:auto}
details summary{cursor:pointer;color:#0b57d0}
`;

/** Section suffix of comparison i: '' for the first, '-i' after, so a one-comparison report has plain ids. */
export const suffix = (i: number) => (i === 0 ? '' : `-${i}`);

/** Every table of a report, in page order, with the comparison each belongs to (null: the summary). */
export function reportTables(analyses: readonly Analysis[]): { table: Table; index: number | null }[] {
  // The verdict tables lead (issue 12: the report's first table is the verdict), then the summary.
  const out: { table: Table; index: number | null }[] = [
    ...analyses.map((a, i) => ({ table: verdictTable(a, suffix(i)), index: i })),
    { table: summaryTable(analyses), index: null },
  ];
  analyses.forEach((a, i) => {
    const s = suffix(i);
    const ablation = ablationTableOf(a, s);
    for (const t of [
      settingsTable(a, s),
      modelsTable(a, s),
      reliabilityTable(a, s),
      guardTable(a, s),
      ...formatsTables(a, s),
      layersTable(a, s),
      layerRatesTable(a, s),
      significanceTable(a, s),
      sweepTable(a, s),
      rangesTable(a, s),
      smallValuesTable(a, s),
      fitTable(a, s),
      ...(ablation ? [ablation] : []),
      bitsTable(a, s),
    ]) {
      out.push({ table: t, index: i });
    }
  });
  return out;
}

/** Tables that exist only as CSV (too long to read in a page; the heat maps show them). */
const csvOnly = /^tbl-bits/;

/** The ids of every figure and table the page must contain (what the browser test checks). */
export function reportIds(analyses: readonly Analysis[]): { figures: string[]; tables: string[] } {
  const figures = analyses.flatMap((_, i) =>
    [
      'fig-delta-layers',
      'fig-mismatch-layers',
      'fig-top2diff-sweep',
      'fig-ranges-max',
      'fig-ranges-mean',
      'fig-bits-baseline',
      'fig-bits-text-guided',
      'fig-fit',
      'fig-cam',
    ].map((f) => f + suffix(i)),
  );
  figures.push(...analyses.flatMap((a, i) => formatsFigureIds(a, suffix(i))));
  const tables = reportTables(analyses)
    .map((t) => t.table.id)
    .filter((id) => !csvOnly.test(id));
  return { figures, tables };
}

/** The §7.3 statement as checked: every bit but 30 keeps |x| < 2 (bit 31 only flips the sign). */
function smallValuesSentence(a: Analysis): string {
  const { bound, bits } = a.smallValues;
  const safe = bits.filter((o) => o.stayedBelow === o.tested).map((o) => o.bit);
  const unsafe = bits.filter((o) => o.stayedBelow < o.tested).map((o) => o.bit);
  const which = unsafe.length === 1 ? `any bit but ${unsafe[0]}` : `bits ${safe.join(', ')}`;
  const others = unsafe.length > 1 ? `; bits ${unsafe.join(', ')} did not` : '';
  return (
    `For fp32 values with |x| < ${bound}, a flip of ${which} kept |x| < ${bound} in every tested value${others}. ` +
    'The paper (§7.3) excludes bits 30 and 31; bit 31 only changes the sign.'
  );
}

function comparisonSection(a: Analysis, i: number, tables: Map<string, Table>): string {
  const s = suffix(i);
  const t = (id: string) => {
    const x = tables.get(id + s);
    return x ? tableHtml(x) : '';
  };
  const fold = (summary: string, body: string) => `<details><summary>${esc(summary)}</summary>${body}</details>`;
  const c = a.comparison;
  return `<section id="comparison${s}">
<h2>${esc(`${c.backbone} on ${c.dataset}: ${c.baseline.run} vs ${c.textGuided.run}`)}</h2>
<p class="verdict ${esc(a.verdict.reproduced)}">${esc(a.verdict.sentence)}</p>
${t('tbl-settings')}
<h3>Accuracy and reliability (paper §6)</h3>
${t('tbl-models')}${t('tbl-reliability')}
${layerFigure(a, s, 'deltaLoss')}${layerFigure(a, s, 'mismatchRate')}
${fold('Per-layer numbers', t('tbl-layers'))}
${fold('Per-layer rates with exact intervals', t('tbl-layer-rates'))}
<h3>Score guard (certified for text-guided heads)</h3>
${t('tbl-guard')}
<h3>Number formats</h3>
${formatsHtml(a, s, (id) => (tables.has(id) ? tableHtml(tables.get(id)!) : ''))}
<h3>Is the accuracy difference significant? (paper §7.4)</h3>
${t('tbl-significance')}${sweepFigure(a, s)}${fold('Sweep numbers', t('tbl-sweep'))}
<h3>Value ranges (paper §7.3, Fig. 3)</h3>
${rangeFigure(a, s, 'maxAbs')}${rangeFigure(a, s, 'meanAbs')}${fold('Range numbers', t('tbl-ranges'))}
<h3>Which bits hurt (paper §7.3)</h3>
${bitFigures(a, s)}
<p>${esc(smallValuesSentence(a))}</p>
${fold('Bit flips of small fp32 values', t('tbl-small-values'))}
<h3>From mismatch rate to FIT</h3>
${fitFigure(a, s)}${t('tbl-fit')}
<h3>Projection initialisation (paper Table 3)</h3>
${a.ablation ? t('tbl-ablation') : '<p class="empty">Not run: pass random/template initialised runs (tgr reproduce --preset full does).</p>'}
<h3>Ablation-CAM (paper §7.2, Fig. 2)</h3>
${camFigureHtml(a, s)}
</section>`;
}

/** Renders the whole report page for one or more comparisons. */
export function renderReport(analyses: readonly Analysis[]): string {
  const tables = new Map(reportTables(analyses).map(({ table }) => [table.id, table]));
  const title =
    analyses.length === 1
      ? `tgr report: ${analyses[0]!.comparison.backbone} on ${analyses[0]!.comparison.dataset}`
      : `tgr report: ${analyses.length} comparisons`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${css}</style></head>
<body>
<header><h1>${esc(title)}</h1>
<p>Text-guided classifiers against bit flips: baseline (linear head) versus text-guided head, on the same images. Intervals are 99% unless stated.</p>
${analyses.map((a, i) => `<p class="verdict ${esc(a.verdict.reproduced)}">${esc(`${a.comparison.backbone} / ${a.comparison.dataset}: ${a.verdict.sentence}`)}</p>${tableHtml(tables.get(`tbl-verdict${suffix(i)}`)!)}`).join('\n')}
</header>
<section id="summary"><h2>Summary</h2>${tableHtml(tables.get('tbl-summary')!)}</section>
${analyses.map((a, i) => comparisonSection(a, i, tables)).join('\n')}
<footer><p class="note">Written by tgr from analysis.json; CSV files of every table are in tables/ beside this page.</p></footer>
</body></html>
`;
}
