import { esc, safeId } from '../escape.js';
import { px, svgOpen, type Frame } from './frame.js';
import { tickLabel } from './scale.js';

/** A matrix of values drawn as coloured cells: rows top to bottom, columns left to right. */
export interface HeatMapSpec {
  /** Unique within the page: names the colour-bar gradient. */
  id: string;
  title: string;
  rows: readonly string[];
  cols: readonly string[];
  /** values[r][c]; null or non-finite cells are drawn grey ("no data"). */
  values: readonly (readonly (number | null)[])[];
  /** What a cell's value is (shown on the colour bar). */
  label: string;
  rowLabel: string;
  colLabel: string;
  /** Colour-scale maximum; default the largest value (share one across maps that are compared). */
  max?: number;
  /**
   * Log colour scale from `min` (default the smallest positive value) to max: ΔLoss of an exponent-bit flip is orders
   * of magnitude above a mantissa flip's, and a linear scale would show one bright column and nothing else.
   */
  log?: { min?: number };
  /** Extra tooltip text per cell. */
  cellTitle?: (r: number, c: number) => string;
}

// Viridis at five stops: perceptually uniform and readable in greyscale, unlike a rainbow map.
const stops = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
] as const;

/** Colour of t ∈ [0, 1] on the viridis ramp, as #rrggbb. */
export function viridis(t: number): string {
  const v = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(v));
  const f = v - i;
  const c = stops[i]!.map((a, k) => Math.round(a + (stops[i + 1]![k]! - a) * f));
  return `#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

/** Draws a heat map with a colour bar as an SVG string. */
export function heatMap(spec: HeatMapSpec): string {
  const cell = Math.max(8, Math.min(18, Math.floor(640 / Math.max(1, spec.cols.length))));
  const rowH = Math.max(8, Math.min(16, Math.floor(560 / Math.max(1, spec.rows.length))));
  const labelW = Math.min(200, 12 + 6 * Math.max(4, ...spec.rows.map((r) => Math.min(30, r.length))));
  const f: Frame = {
    left: labelW,
    top: 28,
    right: 80,
    bottom: 36,
    width: labelW + cell * spec.cols.length + 80,
    height: 28 + rowH * spec.rows.length + 36,
  };
  const finite = spec.values.flat().filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const max = spec.max ?? Math.max(0, ...finite);
  const min = spec.log ? (spec.log.min ?? Math.min(max, ...finite.filter((v) => v > 0))) : 0;
  const level = (v: number) => {
    if (!spec.log) return max > 0 ? v / max : 0;
    if (v <= min) return 0;
    return max > min ? Math.log(v / min) / Math.log(max / min) : 1;
  };
  const out = [svgOpen(f, spec.title)];
  spec.rows.forEach((row, r) => {
    const y = f.top + r * rowH;
    const name = row.length > 30 ? `${row.slice(0, 29)}…` : row;
    out.push(
      `<text x="${f.left - 4}" y="${px(y + rowH / 2)}" text-anchor="end" dominant-baseline="middle" fill="#444" font-size="${rowH < 11 ? 8 : 10}">${esc(name)}</text>`,
    );
    spec.cols.forEach((col, c) => {
      const v = spec.values[r]?.[c] ?? null;
      const ok = typeof v === 'number' && Number.isFinite(v);
      const fill = ok ? viridis(level(v)) : '#d9d9d9';
      const tip = `${spec.rowLabel} ${row}, ${spec.colLabel} ${col}: ${ok ? tickLabel(v) : 'no data'}${spec.cellTitle ? `; ${spec.cellTitle(r, c)}` : ''}`;
      out.push(
        `<rect x="${f.left + c * cell}" y="${y}" width="${cell - 1}" height="${rowH - 1}" fill="${fill}"><title>${esc(tip)}</title></rect>`,
      );
    });
  });
  const every = Math.ceil(spec.cols.length / 16);
  spec.cols.forEach((col, c) => {
    if (c % every) return;
    out.push(
      `<text x="${px(f.left + c * cell + cell / 2)}" y="${f.top + rowH * spec.rows.length + 12}" text-anchor="middle" fill="#444" font-size="9">${esc(col)}</text>`,
    );
  });
  out.push(
    `<text x="${px(f.left + (cell * spec.cols.length) / 2)}" y="${f.height - 6}" text-anchor="middle" fill="#222">${esc(spec.colLabel)}</text>`,
  );
  // Colour bar: a vertical gradient from max (top) to the bottom of the scale.
  const gid = `grad-${safeId(spec.id)}`;
  const bx = f.width - f.right + 16;
  const bh = Math.max(60, rowH * spec.rows.length);
  out.push(
    `<defs><linearGradient id="${gid}" x1="0" y1="1" x2="0" y2="0">${stops.map((_, i) => `<stop offset="${i / (stops.length - 1)}" stop-color="${viridis(i / (stops.length - 1))}"/>`).join('')}</linearGradient></defs>`,
  );
  out.push(`<rect x="${bx}" y="${f.top}" width="12" height="${bh}" fill="url(#${gid})"/>`);
  out.push(
    `<text x="${bx + 16}" y="${f.top + 8}" fill="#444" font-size="9">${esc(tickLabel(max))}</text><text x="${bx + 16}" y="${f.top + bh}" fill="#444" font-size="9">${esc(tickLabel(min))}</text>`,
  );
  out.push(
    `<text transform="translate(${bx + 6} ${f.top - 8})" text-anchor="middle" fill="#222" font-size="9">${esc(spec.label)}${spec.log ? ' (log)' : ''}</text>`,
  );
  out.push('</svg>');
  return out.join('');
}
