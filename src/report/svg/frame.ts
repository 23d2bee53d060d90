import { esc } from '../escape.js';
import { tickLabel, type Scale } from './scale.js';

/** Plot area inside an SVG: left/top offsets and size in pixels. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The colours of the two models everywhere in the report (Okabe–Ito: distinguishable with colour-blindness). */
export const modelColors = { baseline: '#0072B2', textGuided: '#D55E00' } as const;

/** A number with at most 4 significant digits for SVG coordinates and tooltips. */
export const px = (v: number) => String(Math.round(v * 10) / 10);

/** Opens an inline SVG (no xmlns: HTML knows <svg>); its <title> names the chart for screen readers and hover. */
export function svgOpen(f: Frame, title: string): string {
  return `<svg viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" font-family="system-ui, sans-serif" font-size="11"><title>${esc(title)}</title>`;
}

/** The y axis: gridlines, tick labels and a rotated axis label. */
export function yAxis(f: Frame, y: Scale, label: string): string {
  const x0 = f.left;
  const x1 = f.width - f.right;
  const parts = y.ticks.map((t) => {
    const yy = px(y(t));
    return `<line x1="${x0}" x2="${x1}" y1="${yy}" y2="${yy}" stroke="#e3e3e3"/><text x="${x0 - 4}" y="${yy}" text-anchor="end" dominant-baseline="middle" fill="#444">${esc(tickLabel(t))}</text>`;
  });
  const mid = px(f.top + (f.height - f.top - f.bottom) / 2);
  parts.push(
    `<text transform="translate(12 ${mid}) rotate(-90)" text-anchor="middle" fill="#222">${esc(label)}${y.log ? ' (log scale)' : ''}</text>`,
  );
  parts.push(`<line x1="${x0}" x2="${x1}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom}" stroke="#888"/>`);
  return parts.join('');
}

/** A legend row of coloured squares and names, top right. */
export function legend(f: Frame, items: readonly { name: string; color: string }[]): string {
  let x = f.width - f.right;
  const out: string[] = [];
  for (const it of [...items].reverse()) {
    const w = 16 + it.name.length * 6.2;
    x -= w + 10;
    out.push(
      `<rect x="${px(x)}" y="4" width="10" height="10" fill="${esc(it.color)}"/><text x="${px(x + 14)}" y="13" fill="#222">${esc(it.name)}</text>`,
    );
  }
  return out.join('');
}

/** A category label under the x axis, rotated when there are many categories. */
export function categoryLabel(f: Frame, x: number, text: string, rotate: boolean): string {
  const y = f.height - f.bottom + 12;
  const short = text.length > 28 ? `${text.slice(0, 27)}…` : text;
  return rotate
    ? `<text transform="translate(${px(x)} ${y}) rotate(-55)" text-anchor="end" fill="#444" font-size="10">${esc(short)}</text>`
    : `<text x="${px(x)}" y="${y + 2}" text-anchor="middle" fill="#444">${esc(short)}</text>`;
}
