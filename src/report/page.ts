import type { Analysis } from '../analysis/analyse.js';
import { esc } from './escape.js';
import { missingNote, reportSections, sectionPresent, type ReportSection } from './sections.js';
import { tableHtml, type Table } from './table.js';
import { summaryTable } from './tables.js';
import { intervalLabel } from '../stats/sequential-level.js';

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

/** The sections of one analysis the page shows in full: those whose analysis fields are all there. */
const present = (a: Analysis): ReportSection[] => reportSections.filter((x) => sectionPresent(x, a));

/** Every table of a report, in page order, with the comparison each belongs to (null: the summary). */
export function reportTables(analyses: readonly Analysis[]): { table: Table; index: number | null }[] {
  const of = (i: number, leads: boolean) =>
    present(analyses[i]!)
      .filter((x) => Boolean(x.leads) === leads)
      .flatMap((x) => x.tables(analyses[i]!, suffix(i)).map((table) => ({ table, index: i })));
  // The leading sections' tables come first (issue 12: the report's first table is the verdict), then the summary.
  return [
    ...analyses.flatMap((_, i) => of(i, true)),
    { table: summaryTable(analyses), index: null },
    ...analyses.flatMap((_, i) => of(i, false)),
  ];
}

/** Tables that exist only as CSV (too long to read in a page; the heat maps show them). */
const csvOnly = /^tbl-bits/;

/** The ids of every figure and table the page must contain (what the browser test checks). */
export function reportIds(analyses: readonly Analysis[]): { figures: string[]; tables: string[] } {
  const figures = analyses.flatMap((a, i) => present(a).flatMap((x) => x.figures(a, suffix(i))));
  const tables = reportTables(analyses)
    .map((t) => t.table.id)
    .filter((id) => !csvOnly.test(id));
  return { figures, tables };
}

/** One comparison: its heading, then each section in table order (a note for one its analysis.json predates). */
function comparisonSection(a: Analysis, i: number, tables: Map<string, Table>): string {
  const s = suffix(i);
  const table = (id: string) => {
    const x = tables.get(id);
    return x ? tableHtml(x) : '';
  };
  const c = a.comparison;
  const body = reportSections.map((x) => {
    const head = x.title === null ? '' : `<h3>${esc(x.title)}</h3>\n`;
    return head + (sectionPresent(x, a) ? x.html(a, s, table) : missingNote(x, a));
  });
  return `<section id="comparison${s}">
<h2>${esc(`${c.backbone} on ${c.dataset}: ${c.baseline.run} vs ${c.textGuided.run}`)}</h2>
${body.join('\n')}
</section>`;
}

/** The leading sections' tables of comparison i, for the header. */
function leading(a: Analysis, i: number): string {
  return present(a)
    .filter((x) => x.leads)
    .flatMap((x) => x.tables(a, suffix(i)))
    .map(tableHtml)
    .join('');
}

/**
 * The campaigns planned to a precision (--halfwidth), whose intervals are computed at their calibrated level γ so that
 * the procedure's interval covers 99%; empty when there are none, so other reports are unchanged.
 */
function sequentialNote(analyses: readonly Analysis[]): string {
  const named = analyses.flatMap((a) =>
    a.comparison.formats.flatMap((f) =>
      (['baseline', 'textGuided'] as const).flatMap((m) =>
        f[m].level === undefined
          ? []
          : [
              `${f.format} (${m === 'baseline' ? 'baseline' : 'text-guided'}): ${intervalLabel(f[m].level)}${f[m].interval === 'fay-feuer' ? ', rates by Fay–Feuer' : ''}`,
            ],
      ),
    ),
  );
  if (named.length === 0) return '';
  return ` Campaigns planned to a precision (--halfwidth) stop on and report intervals computed at a level γ above 99%, which makes the interval of the whole procedure a 99% one (ratios between campaigns stay at 99%): ${named.join('; ')}.`;
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
<p>Text-guided classifiers against bit flips: baseline (linear head) versus text-guided head, on the same images. Intervals are 99% unless stated.${esc(sequentialNote(analyses))}</p>
${analyses.map((a, i) => `<p class="verdict ${esc(a.verdict.reproduced)}">${esc(`${a.comparison.backbone} / ${a.comparison.dataset}: ${a.verdict.sentence}`)}</p>${leading(a, i)}`).join('\n')}
</header>
<section id="summary"><h2>Summary</h2>${tableHtml(tables.get('tbl-summary')!)}</section>
${analyses.map((a, i) => comparisonSection(a, i, tables)).join('\n')}
<footer><p class="note">Written by tgr from analysis.json; CSV files of every table are in tables/ beside this page.</p></footer>
</body></html>
`;
}
