import { esc } from './escape.js';
import { ratioText } from '../analysis/verdict.js';

/** A point estimate with a symmetric CI half-width (metrics.ts's Estimate; null from JSON where undefined). */
export interface EstimateCell {
  value: number | null;
  ci: number | null;
}

/** A ratio with an asymmetric CI (improvement.ts's RatioEstimate; ±∞ arrive as null from JSON). */
export interface RatioCell {
  ratio: number | null;
  lower: number | null;
  upper: number | null;
}

/** A point estimate with an asymmetric interval (stats' IntervalEstimate; ±∞ and NaN arrive as null from JSON). */
export interface IntervalCell {
  value: number | null;
  lower: number | null;
  upper: number | null;
}

/**
 * How a column's raw values are shown in HTML; CSV always writes raw numbers (a ratio or estimate as 3 or 2 columns).
 */
export type ColumnKind = 'text' | 'int' | 'num' | 'pct' | 'pp' | 'ratio' | 'estimate' | 'interval' | 'p';

/** One column: header and kind. */
export interface Column {
  header: string;
  kind: ColumnKind;
}

export type Cell = string | number | null | EstimateCell | RatioCell | IntervalCell;

/** A table as data: rendered to HTML for the report and to CSV beside it, from the same rows. */
export interface Table {
  id: string;
  caption: string;
  columns: readonly Column[];
  rows: readonly (readonly Cell[])[];
  /** A sentence under the table (what the numbers mean, when a reader could misread them). */
  note?: string;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A number with `d` decimals, or "n/a" when undefined (NaN and null, which JSON makes of NaN). */
export function fmt(v: number | null | undefined, d = 3): string {
  return num(v) ? v.toFixed(d) : 'n/a';
}

/** Formats one cell for HTML by its column kind. */
export function formatCell(kind: ColumnKind, v: Cell): string {
  if (v === null || v === undefined) return 'n/a';
  if (typeof v === 'object') {
    if ('ratio' in v) {
      // JSON writes an infinite ratio (a rate of 0 in the denominator) as null; its positive lower bound tells it from
      // an undefined one (0 ÷ 0 has lower bound 0).
      const infinite = v.ratio === null && num(v.lower) && v.lower > 0 && !num(v.upper);
      return num(v.ratio) || infinite
        ? `${ratioText(v.ratio, '∞')}× [${ratioText(v.lower, '−∞')}, ${ratioText(v.upper, '∞')}]`
        : 'n/a';
    }
    if ('lower' in v) {
      const side = (x: number | null, inf: string) => (num(x) ? fmtSig(x) : inf);
      return num(v.value) ? `${fmtSig(v.value)} [${side(v.lower, '−∞')}, ${side(v.upper, '∞')}]` : 'n/a';
    }
    return num(v.value) ? `${fmtSig(v.value)} ± ${num(v.ci) ? fmtSig(v.ci) : 'n/a'}` : 'n/a';
  }
  if (typeof v === 'string') return v;
  switch (kind) {
    case 'int':
      return num(v) ? Math.round(v).toLocaleString('en-US') : 'n/a';
    case 'pct':
      return num(v) ? `${(v * 100).toFixed(2)}%` : 'n/a';
    case 'pp':
      return num(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(2)}` : 'n/a';
    case 'p':
      return num(v) ? (v < 1e-4 ? v.toExponential(1) : v.toFixed(4)) : 'n/a';
    default:
      return num(v) ? fmtSig(v) : 'n/a';
  }
}

/** 4 significant digits, in exponent form for very small or large magnitudes. */
export function fmtSig(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** Renders a table as HTML; every string is escaped. */
export function tableHtml(t: Table): string {
  const head = t.columns.map((c) => `<th scope="col">${esc(c.header)}</th>`).join('');
  const body = t.rows
    .map(
      (r) =>
        `<tr>${r
          .map((v, i) => {
            const kind = t.columns[i]?.kind ?? 'text';
            return `<td${kind === 'text' ? '' : ' class="n"'}>${esc(formatCell(kind, v))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  const note = t.note ? `<p class="note">${esc(t.note)}</p>` : '';
  return `<table id="${esc(t.id)}"><caption>${esc(t.caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${note}`;
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A raw CSV number: empty where undefined, ±inf spelled out (an unbounded Fieller interval). */
function raw(v: number | null | undefined): string {
  if (typeof v !== 'number' || Number.isNaN(v)) return '';
  return v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
}

/** Renders a table as CSV (RFC 4180): raw numbers, a ratio as ratio/lower/upper, an estimate as value/ci. */
export function tableCsv(t: Table): string {
  const header = t.columns.flatMap((c) =>
    c.kind === 'ratio'
      ? [c.header, `${c.header} lower`, `${c.header} upper`]
      : c.kind === 'estimate'
        ? [c.header, `${c.header} ci`]
        : c.kind === 'interval'
          ? [c.header, `${c.header} lower`, `${c.header} upper`]
          : [c.header],
  );
  const lines = [header.map(csvField).join(',')];
  for (const r of t.rows) {
    const cells = t.columns.flatMap((c, i) => {
      const v = r[i] ?? null;
      if (c.kind === 'ratio') {
        const x = (v ?? {}) as Partial<RatioCell>;
        // A bound that analysis.json turned from ±∞ into null is still unbounded.
        const open = num(x.ratio);
        return [
          raw(x.ratio),
          x.lower === null && open ? '-inf' : raw(x.lower),
          x.upper === null && open ? 'inf' : raw(x.upper),
        ];
      }
      if (c.kind === 'interval') {
        const x = (v ?? {}) as Partial<IntervalCell>;
        const open = num(x.value);
        return [
          raw(x.value),
          x.lower === null && open ? '-inf' : raw(x.lower),
          x.upper === null && open ? 'inf' : raw(x.upper),
        ];
      }
      if (c.kind === 'estimate') {
        const x = (v ?? {}) as Partial<EstimateCell>;
        return [raw(x.value), raw(x.ci)];
      }
      return [typeof v === 'number' || v === null ? raw(v as number | null) : String(v)];
    });
    lines.push(cells.map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
