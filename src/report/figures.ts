import type { Analysis } from '../analysis/analyse.js';
import type { FormatComparison } from '../analysis/compare.js';
import { esc } from './escape.js';
import { barChart } from './svg/bar-chart.js';
import { modelColors } from './svg/frame.js';
import { heatMap } from './svg/heat-map.js';
import { lineChart } from './svg/line-chart.js';
import { fmt } from './table.js';
import { layerUnion } from './tables.js';

/** Every figure of the report as an HTML `<figure>` with a fixed id (`sfx` tells apart several comparisons). */

/** Wraps a chart in a figure with an id and an escaped caption. */
export function figure(id: string, caption: string, body: string): string {
  return `<figure id="${esc(id)}">${body}<figcaption>${esc(caption)}</figcaption></figure>`;
}

const names = { baseline: 'baseline', textGuided: 'text-guided' } as const;

/** Per-layer ΔLoss or mismatch rate of both models, plus the combined last layer, with 99% CI bars. */
export function layerFigure(a: Analysis, sfx: string, metric: 'deltaLoss' | 'mismatchRate'): string {
  const f = a.comparison.formats[0];
  const id = metric === 'deltaLoss' ? `fig-delta-layers${sfx}` : `fig-mismatch-layers${sfx}`;
  const what = metric === 'deltaLoss' ? 'ΔLoss' : 'Mismatch rate';
  if (!f) return figure(id, `${what} per layer: no campaign in a common format.`, '<p class="empty">No data.</p>');
  const ci = metric === 'deltaLoss' ? 'deltaLossCi' : 'mismatchCi';
  const cats = layerUnion(
    f.baseline.layers.map((l) => l.layer),
    f.textGuided.layers.map((l) => l.layer),
  );
  const series = (['baseline', 'textGuided'] as const).map((m) => {
    const by = new Map(f[m].layers.map((x) => [x.layer, x]));
    const last = f[m].lastLayer;
    return {
      name: names[m],
      color: modelColors[m],
      values: [...cats.map((c) => by.get(c)?.[metric] ?? null), last[metric]],
      errors: [...cats.map((c) => by.get(c)?.[ci] ?? null), last[ci]],
    };
  });
  const chart = barChart({
    title: `${what} per layer (${f.format})`,
    categories: [...cats, 'last layer (combined)'],
    series,
    yLabel: what,
    log: metric === 'deltaLoss',
  });
  return figure(
    id,
    `${what} per layer under single-bit flips in ${f.format} activations, 99% CI bars; the rightmost group is each model's last layer (text-guided: latent + projection, neuron-weighted).`,
    chart,
  );
}

/** Paper Fig. 3: max (a) and mean (b) |activation| per layer. */
export function rangeFigure(a: Analysis, sfx: string, stat: 'maxAbs' | 'meanAbs'): string {
  const rows = a.valueRanges.rows;
  const series = (['baseline', 'textGuided'] as const).map((m) => ({
    name: names[m],
    color: modelColors[m],
    values: rows.map((r) => r[m]?.[stat] ?? null),
  }));
  const what = stat === 'maxAbs' ? 'Max |activation|' : 'Mean |activation|';
  const chart = barChart({
    title: `${what} per layer`,
    categories: rows.map((r) => (r.last ? `${r.layer} *` : r.layer)),
    series,
    yLabel: what,
    log: true,
  });
  const last = a.valueRanges.lastLayer;
  return figure(
    `fig-ranges-${stat === 'maxAbs' ? 'max' : 'mean'}${sfx}`,
    `${what} per layer on the golden images (paper Fig. 3${stat === 'maxAbs' ? 'a' : 'b'}); * marks last layers. Last layer: baseline ${fmt(last.baseline?.[stat])}, text-guided ${fmt(last.textGuided?.[stat])}.`,
    chart,
  );
}

/** Paper Fig. 4: accuracy vs Top2Diff threshold, with the crossing δ marked. */
export function sweepFigure(a: Analysis, sfx: string): string {
  const s = a.significance;
  const pct = (v: number) => v * 100;
  const chart = lineChart({
    title: 'Accuracy vs Top2Diff threshold',
    series: [
      {
        name: names.baseline,
        color: modelColors.baseline,
        points: s.sweep.map((p) => [p.delta, pct(p.first)] as const),
      },
      {
        name: names.textGuided,
        color: modelColors.textGuided,
        points: s.sweep.map((p) => [p.delta, pct(p.second)] as const),
      },
    ],
    xLabel: 'δ (Top2Diff threshold, points)',
    yLabel: 'Accuracy (%)',
    markers: s.crossing === null ? [] : [{ x: s.crossing, label: `δ = ${s.crossing.toFixed(1)}` }],
  });
  const cross =
    s.crossing === null
      ? "The text-guided curve never meets the baseline's within δ = 0–40."
      : `The curves meet at δ ≈ ${s.crossing.toFixed(1)} (paper: δ ≈ 15 on ImageNet ResNet-50).`;
  return figure(
    `fig-top2diff-sweep${sfx}`,
    `Accuracy after excluding correctly classified images whose Top2Diff is below δ (paper Fig. 4). ${cross}`,
    chart,
  );
}

/** Bit × layer heat maps of ΔLoss of the primary campaign, one per model, on one colour scale (issue 8 §2). */
export function bitFigures(a: Analysis, sfx: string): string {
  return campaignBitFigures(a.comparison.formats[0], (m) => `fig-bits-${m}${sfx}`);
}

/** Bit × layer heat maps of ΔLoss of one campaign (none: an empty figure), one per model, on one colour scale. */
export function campaignBitFigures(
  f: FormatComparison | undefined,
  idOf: (model: 'baseline' | 'text-guided') => string,
): string {
  const cells = (['baseline', 'textGuided'] as const).map((m) => f?.[m].bits ?? []);
  const finite = cells
    .flat()
    .map((c) => c.deltaLoss)
    .filter((v) => Number.isFinite(v));
  const max = Math.max(0, ...finite);
  const min = Math.min(max, ...finite.filter((v) => v > 0));
  return (['baseline', 'textGuided'] as const)
    .map((m, k) => {
      const id = idOf(m === 'baseline' ? 'baseline' : 'text-guided');
      const list = cells[k]!;
      if (!f || list.length === 0)
        return figure(
          id,
          `Bit × layer heat map (${names[m]}): no per-injection records (faults.jsonl) to draw it from.`,
          '<p class="empty">No data.</p>',
        );
      const layers = [...new Set(list.map((c) => c.layer))];
      const bits = Math.max(...list.map((c) => c.bit)) + 1;
      const grid = layers.map(() => new Array<number | null>(bits).fill(null));
      const at = new Map(list.map((c) => [`${c.layer}/${c.bit}`, c]));
      list.forEach((c) => (grid[layers.indexOf(c.layer)]![c.bit] = c.deltaLoss));
      const chart = heatMap({
        id,
        title: `ΔLoss by bit and layer (${names[m]}, ${f.format})`,
        rows: layers,
        cols: Array.from({ length: bits }, (_, i) => String(i)),
        values: grid,
        label: 'ΔLoss',
        rowLabel: 'layer',
        colLabel: 'flipped bit (0 = LSB)',
        max,
        log: { min },
        cellTitle: (r, c) => {
          const x = at.get(`${layers[r]}/${c}`);
          return x
            ? `n ${x.injections}, mismatch ${fmt(x.mismatchRate)}, non-finite ${x.nonFinite}, within range ${fmt(x.withinRangeShare)}`
            : 'no injections';
        },
      });
      return figure(
        id,
        `Mean ΔLoss per flipped bit and layer, ${names[m]} model (${f.format}; one log colour scale for both models; grey: no injection or no finite output). Hover a cell for mismatch rate and the share of faulty values within the profiled range.`,
        chart,
      );
    })
    .join('\n');
}

/** SDC FIT per layer, both models, with the CI. */
export function fitFigure(a: Analysis, sfx: string): string {
  const f = a.fit;
  if (!f)
    return figure(
      `fig-fit${sfx}`,
      'SDC FIT per layer: no campaign in a common format.',
      '<p class="empty">No data.</p>',
    );
  const cats = layerUnion(
    f.baseline.layers.map((l) => l.layer),
    f.textGuided.layers.map((l) => l.layer),
  );
  const series = (['baseline', 'textGuided'] as const).map((m) => {
    const by = new Map(f[m].layers.map((l) => [l.layer, l]));
    return {
      name: names[m],
      color: modelColors[m],
      values: cats.map((c) => by.get(c)?.fit ?? null),
      errors: cats.map((c) => by.get(c)?.fitCi ?? null),
    };
  });
  const chart = barChart({ title: 'SDC FIT per layer', categories: cats, series, yLabel: 'FIT' });
  return figure(
    `fig-fit${sfx}`,
    `SDC FIT per layer at ${f.rawFitPerMbit} FIT/Mbit (${f.format}), 99% CI bars. Totals: baseline ${fmt(f.baseline.fit)} ± ${fmt(f.baseline.fitCi)}, text-guided ${fmt(f.textGuided.fit)} ± ${fmt(f.textGuided.fitCi)} FIT.`,
    chart,
  );
}
