import { esc } from '../escape.js';
import { categoryLabel, legend, px, svgOpen, yAxis, type Frame } from './frame.js';
import { linearScale, logScale, tickLabel } from './scale.js';

/** One series of bars: a value per category, optionally a CI half-width drawn as an error bar. */
export interface BarSeries {
  name: string;
  color: string;
  values: readonly (number | null)[];
  errors?: readonly (number | null)[];
}

/** A grouped bar chart: categories along x, one bar per series in each group. */
export interface BarChartSpec {
  title: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  yLabel: string;
  log?: boolean;
  width?: number;
  height?: number;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Draws a grouped bar chart as an SVG string; missing values leave a gap, the tooltip says "n/a". */
export function barChart(spec: BarChartSpec): string {
  const n = spec.categories.length;
  const rotate = n > 8 || spec.categories.some((c) => c.length > 10);
  const longest = Math.min(28, Math.max(0, ...spec.categories.map((c) => c.length)));
  const f: Frame = {
    width: spec.width ?? Math.max(520, Math.min(1100, 70 + n * (14 * spec.series.length + 8))),
    height: spec.height ?? 300 + (rotate ? longest * 4.5 : 0),
    left: 64,
    top: 24,
    right: 12,
    bottom: rotate ? 24 + longest * 4.5 : 30,
  };
  // Rates, ΔLoss and FIT cannot be negative: a symmetric CI that dips below 0 is drawn to 0, not below the axis.
  const nonNegative = spec.series.every((s) => s.values.every((v) => !finite(v) || v >= 0));
  const floor = (v: number) => (nonNegative ? Math.max(0, v) : v);
  const all = spec.series.flatMap((s) =>
    s.values.flatMap((v, i) => {
      const e = s.errors?.[i];
      return finite(v) ? [v, v + (finite(e) ? e : 0), floor(v - (finite(e) ? e : 0))] : [];
    }),
  );
  const hi = Math.max(0, ...all);
  const base = f.height - f.bottom;
  const y = spec.log
    ? logScale(Math.min(...all.filter((v) => v > 0), hi || 1), hi, base, f.top)
    : linearScale(Math.min(0, ...all), hi, base, f.top);
  const groupW = (f.width - f.left - f.right) / Math.max(1, n);
  const barW = Math.max(2, Math.min(28, (groupW - 6) / Math.max(1, spec.series.length)));
  const out = [svgOpen(f, spec.title), yAxis(f, y, spec.yLabel), legend(f, spec.series)];
  const zero = spec.log ? base : y(0);
  spec.categories.forEach((cat, i) => {
    const gx = f.left + i * groupW + (groupW - barW * spec.series.length) / 2;
    spec.series.forEach((s, k) => {
      const v = s.values[i];
      const e = s.errors?.[i];
      const x = gx + k * barW;
      const tip = `${s.name}, ${cat}: ${finite(v) ? tickLabel(v) : 'n/a'}${finite(e) ? ` ± ${tickLabel(e)}` : ''}`;
      if (!finite(v)) return;
      const top = y(v);
      out.push(
        `<rect x="${px(x)}" y="${px(Math.min(top, zero))}" width="${px(barW - 1)}" height="${px(Math.max(0.5, Math.abs(zero - top)))}" fill="${esc(s.color)}"><title>${esc(tip)}</title></rect>`,
      );
      if (finite(e) && e > 0) {
        const cx = px(x + (barW - 1) / 2);
        const lo = spec.log && v - e <= 0 ? base : y(floor(v - e));
        out.push(`<line x1="${cx}" x2="${cx}" y1="${px(lo)}" y2="${px(y(v + e))}" stroke="#222" stroke-width="1"/>`);
      }
    });
    out.push(categoryLabel(f, f.left + (i + 0.5) * groupW, cat, rotate));
  });
  out.push('</svg>');
  return out.join('');
}
