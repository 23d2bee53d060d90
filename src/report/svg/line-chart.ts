import { esc } from '../escape.js';
import { legend, px, svgOpen, yAxis, type Frame } from './frame.js';
import { linearScale, tickLabel } from './scale.js';

/** One line: (x, y) points in x order. */
export interface LineSeries {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
}

/** A line chart with numeric x, optional vertical markers (e.g. the Top2Diff crossing δ). */
export interface LineChartSpec {
  title: string;
  series: readonly LineSeries[];
  xLabel: string;
  yLabel: string;
  markers?: readonly { x: number; label: string }[];
  width?: number;
  height?: number;
}

/** Draws a line chart as an SVG string; each point carries a tooltip. */
export function lineChart(spec: LineChartSpec): string {
  const f: Frame = { width: spec.width ?? 640, height: spec.height ?? 320, left: 64, top: 24, right: 16, bottom: 44 };
  const pts = spec.series.flatMap((s) => s.points).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const x = linearScale(Math.min(0, ...xs), Math.max(1, ...xs), f.left, f.width - f.right, 8);
  const y = linearScale(
    Math.min(...ys, Infinity) === Infinity ? 0 : Math.min(...ys),
    Math.max(...ys, 0),
    f.height - f.bottom,
    f.top,
  );
  const out = [svgOpen(f, spec.title), yAxis(f, y, spec.yLabel), legend(f, spec.series)];
  for (const t of x.ticks) {
    out.push(
      `<text x="${px(x(t))}" y="${f.height - f.bottom + 14}" text-anchor="middle" fill="#444">${esc(tickLabel(t))}</text>`,
    );
  }
  out.push(
    `<text x="${px(f.left + (f.width - f.left - f.right) / 2)}" y="${f.height - 6}" text-anchor="middle" fill="#222">${esc(spec.xLabel)}</text>`,
  );
  for (const m of spec.markers ?? []) {
    if (!Number.isFinite(m.x)) continue;
    const mx = px(x(m.x));
    out.push(
      `<line x1="${mx}" x2="${mx}" y1="${f.top}" y2="${f.height - f.bottom}" stroke="#555" stroke-dasharray="4 3"/><text x="${mx}" y="${f.top + 10}" dx="4" fill="#333">${esc(m.label)}</text>`,
    );
  }
  for (const s of spec.series) {
    const ok = s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    if (!ok.length) continue;
    out.push(
      `<polyline fill="none" stroke="${esc(s.color)}" stroke-width="2" points="${ok.map(([a, b]) => `${px(x(a))},${px(y(b))}`).join(' ')}"/>`,
    );
    for (const [a, b] of ok) {
      out.push(
        `<circle cx="${px(x(a))}" cy="${px(y(b))}" r="2.2" fill="${esc(s.color)}"><title>${esc(`${s.name}: ${tickLabel(a)} → ${tickLabel(b)}`)}</title></circle>`,
      );
    }
  }
  out.push('</svg>');
  return out.join('');
}
