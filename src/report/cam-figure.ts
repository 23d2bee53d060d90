import type { Analysis } from '../analysis/analyse.js';
import type { CamFigure, CamSimilarity, FlipCounts } from '../analysis/cam/cam-figure.js';
import type { MeanInterval, SimilarityStats } from '../analysis/cam/cam-similarity.js';
import { esc } from './escape.js';
import { figure } from './figures.js';
import { fmt } from './table.js';

const names = { baseline: 'baseline', textGuided: 'text-guided' } as const;

const layerRules = {
  block: 'block output: the last residual add and its activation before global pooling',
  conv: 'last Conv output: the model has no residual add',
} as const;

/** A similarity with its interval: `0.9120 [0.8800, 0.9400]`, signed for a difference. */
function withInterval(m: MeanInterval, signed = false): string {
  // Four decimals: similarities of mild flips sit at 0.999x, where three would hide the difference.
  const f = (v: number) => (signed && v > 0 ? '+' : '') + v.toFixed(4);
  return `${f(m.mean)} [${f(m.lower)}, ${f(m.upper)}]`;
}

/** Rows of one flip set: each model's similarity and the paired difference, or why there is none. */
function statRows(st: SimilarityStats | null): [string, string][] {
  return st
    ? [
        ['baseline', withInterval(st.baseline)],
        ['text-guided', withInterval(st.textGuided)],
        ['text-guided − baseline', withInterval(st.difference, true)],
      ]
    : [['both models', 'undefined: every map was flat or not finite']];
}

/** How a flip set was bounded, as a table heading. */
function boundLabel(f: FlipCounts): string {
  const within = f.bound === 1 ? "within each tensor's range" : `within ${f.bound} × each tensor's largest |w|`;
  return `${f.kept} of ${f.drawn} flips kept (${within})`;
}

/** The number beside the pictures: each model's before/after similarity and the paired difference, with intervals. */
function similarityTable(c: CamFigure, s: CamSimilarity): string {
  const pct = `${Math.round(s.confidence * 100)}%`;
  const block = (title: string, rows: [string, string][]) =>
    `<tr><th colspan="2">${esc(title)}</th></tr>` +
    rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('');
  const main = c.flipScreen ? block(boundLabel(c.flipScreen), statRows(s.stats)) : block('', statRows(s.stats));
  const alt = c.withinRange ? block(boundLabel(c.withinRange.flipScreen), statRows(c.withinRange.stats)) : '';
  const head = `<tr><th></th><th>similarity, mean [${esc(pct)} CI]</th></tr>`;
  return `<table class="cam-similarity"><thead>${head}</thead><tbody>${main}${alt}</tbody></table>`;
}

/** Words for the caption: which maps, which flips, what the number is; tolerant of an analysis.json before them. */
function caption(c: CamFigure): string {
  const bits = c.bits.length === 32 ? '0–31' : c.bits.join(',');
  const rule = c.layerRule ? ` (${layerRules[c.layerRule.baseline]})` : '';
  const fs = c.flipScreen;
  const flips = fs
    ? `the same ${fs.kept} of ${fs.drawn} random weight bit flips drawn (bits ${bits}, seed ${c.seed}); kept: ${fs.rule} — ${fs.droppedByRange} dropped by the bound check, ${fs.droppedByOutput} by the output check`
    : `the same ${c.flips} random weight bit flips (bits ${bits}, seed ${c.seed})`;
  const s = c.similarity as CamSimilarity | undefined;
  const within = c.withinRange
    ? ` Its second block repeats the measurement with flips held within each tensor's own range (${c.withinRange.flipScreen.kept} kept), to show how much the number owes to the bound.`
    : '';
  const number = s?.stats
    ? ` The table gives the ${s.measure}, averaged over ${s.stats.textGuided.n} images both models classify correctly (the first in golden-run order; ${s.images.length - s.stats.textGuided.n} left out for a flat map), with ${Math.round(s.confidence * 100)}% intervals from a ${s.interval}; 1 = the map is unchanged, 0 = unrelated.${within}`
    : '';
  return `Ablation-CAM at ${c.layers.baseline} / ${c.layers.textGuided}${rule}, for the true label, before and after ${flips}.${number}`;
}

/** Paper Fig. 2: Ablation-CAM overlays before and after weight flips, both models, with the similarity beside them. */
export function camFigureHtml(a: Analysis, sfx: string): string {
  const c = a.cam;
  const id = `fig-cam${sfx}`;
  if (!c)
    return figure(
      id,
      'Ablation-CAM (paper Fig. 2) was not run: give images to explain (tgr reproduce does).',
      '<p class="empty">Not run.</p>',
    );
  const kept = c.flipScreen?.kept ?? c.flips;
  const head = ['image', 'baseline', `baseline, ${kept} flips`, 'text-guided', `text-guided, ${kept} flips`];
  const cellOf = (png: string, alt: string, note = '') =>
    `<td><img src="data:image/png;base64,${esc(png)}" alt="${esc(alt)}"><br><small>${esc(note)}</small></td>`;
  const rows = c.images.map((img) => {
    const panels = img.panels.map((p) =>
      cellOf(
        p.png,
        `${names[p.model]} ${p.faulty ? 'after' : 'before'} flips, image ${img.index}`,
        p.nonFinite ? 'output not finite' : `pred ${p.predicted}, score ${fmt(p.score, 2)}`,
      ),
    );
    return `<tr>${cellOf(img.imagePng, `image ${img.index}`, `#${img.index}, label ${img.label}`)}${panels.join('')}</tr>`;
  });
  const pictures = `<table class="cam"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
  const number = c.similarity ? similarityTable(c, c.similarity) : '';
  return figure(id, caption(c), `<div class="cam-row">${pictures}${number}</div>`);
}
