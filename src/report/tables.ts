import type { Analysis } from '../analysis/analyse.js';
import type { Table } from './table.js';

/**
 * Every table of the report as data (HTML and CSV are rendered from these). Ids are fixed so tests and readers can
 * find them; `sfx` tells apart the sections of several comparisons in one report ('' for the first).
 */

const est = (value: number, ci: number) => ({ value, ci });

/** Layer names of both models in order: the baseline's, then those only the text-guided model has (its head). */
export function layerUnion(baseline: Iterable<string>, textGuided: Iterable<string>): string[] {
  const first = [...baseline];
  const seen = new Set(first);
  return [...first, ...[...textGuided].filter((n) => !seen.has(n))];
}

/** Table 1/2: one row per backbone × dataset. */
export function summaryTable(analyses: readonly Analysis[]): Table {
  return {
    id: 'tbl-summary',
    caption:
      'Summary (paper Tables 1 and 2): accuracy, size, and reliability improvement = baseline ΔLoss ÷ text-guided ΔLoss, 99% CIs',
    columns: [
      { header: 'Dataset', kind: 'text' },
      { header: 'Backbone', kind: 'text' },
      { header: 'Acc. baseline', kind: 'pct' },
      { header: 'Acc. text-guided', kind: 'pct' },
      { header: 'Additional params', kind: 'int' },
      { header: 'Additional MACs', kind: 'int' },
      { header: 'Improvement (last layer)', kind: 'ratio' },
      { header: 'Improvement (overall)', kind: 'ratio' },
      { header: 'Top2Diff change (points)', kind: 'pp' },
      { header: 'Format', kind: 'text' },
    ],
    rows: analyses.map(({ comparison: { row: r } }) => [
      r.dataset,
      r.backbone,
      r.accBaseline,
      r.accTextGuided,
      r.paramsChange,
      r.macsChange,
      r.lastLayer,
      r.overall,
      r.top2diffChange,
      r.format,
    ]),
    note: 'Top2Diff change is text-guided − baseline mean Top2Diff of correctly classified images, in percentage points, as the paper reports it (73.67 − 70.32 = +3.35%). Additional params/MACs: text-guided − baseline (negative: smaller).',
  };
}

/** Both models side by side: accuracy, size, confidence. */
export function modelsTable(a: Analysis, sfx: string): Table {
  const m = [a.comparison.baseline, a.comparison.textGuided];
  return {
    id: `tbl-models${sfx}`,
    caption: `Models compared on ${a.comparison.dataset}/${a.comparison.split} (${a.comparison.baseline.images} images)`,
    columns: [
      { header: 'Model', kind: 'text' },
      { header: 'Run', kind: 'text' },
      { header: 'Head', kind: 'text' },
      { header: 'Top-1 accuracy', kind: 'pct' },
      { header: 'Parameters', kind: 'int' },
      { header: 'MACs per image', kind: 'int' },
      { header: 'Mean Top2Diff of correct images', kind: 'num' },
    ],
    rows: m.map((x, i) => [
      i ? 'text-guided' : 'baseline',
      x.run,
      x.head,
      x.accuracy,
      x.params,
      x.macs,
      x.meanTop2diff,
    ]),
  };
}

/** Last layer and overall ΔLoss and mismatch rate per format, with the ratios. */
export function reliabilityTable(a: Analysis, sfx: string): Table {
  const rows = a.comparison.formats.flatMap((f) =>
    (['lastLayer', 'overall'] as const).map((scope) => {
      const b = f.baseline[scope];
      const t = f.textGuided[scope];
      return [
        f.format,
        scope === 'lastLayer' ? 'last layer' : 'overall (mean over layer slots)',
        est(b.deltaLoss, b.deltaLossCi),
        est(t.deltaLoss, t.deltaLossCi),
        f.improvement[scope],
        est(b.mismatchRate, b.mismatchCi),
        est(t.mismatchRate, t.mismatchCi),
        f.mismatchRatio[scope],
      ];
    }),
  );
  return {
    id: `tbl-reliability${sfx}`,
    caption:
      "Reliability under single-bit activation flips, the paper's measures: ΔLoss and mismatch rate (± 99% CI); baseline ÷ text-guided ratios (ΔLoss: Fieller; mismatch: Katz log, 99% CI)",
    columns: [
      { header: 'Format', kind: 'text' },
      { header: 'Scope', kind: 'text' },
      { header: 'ΔLoss baseline', kind: 'estimate' },
      { header: 'ΔLoss text-guided', kind: 'estimate' },
      { header: 'ΔLoss improvement', kind: 'ratio' },
      { header: 'Mismatch baseline', kind: 'estimate' },
      { header: 'Mismatch text-guided', kind: 'estimate' },
      { header: 'Mismatch ratio', kind: 'ratio' },
    ],
    rows,
    note: 'Text-guided last layer = latent and projection layers, neuron-count weighted (paper §5.2). Overall = mean over layer slots with that last layer counted once, so both models have the same number of slots. Non-finite or guard-detected outputs are counted as detected errors (DUE) and left out of ΔLoss.',
  };
}

/** Per-layer metrics of both models in the primary format. */
export function layersTable(a: Analysis, sfx: string): Table {
  const f = a.comparison.formats[0];
  const tg = new Map((f?.textGuided.layers ?? []).map((m) => [m.layer, m]));
  const base = new Map((f?.baseline.layers ?? []).map((m) => [m.layer, m]));
  const ratio = new Map((f?.layers ?? []).map((l) => [l.layer, l.improvement]));
  const names = layerUnion(base.keys(), tg.keys());
  return {
    id: `tbl-layers${sfx}`,
    caption: `Per-layer ΔLoss and mismatch rate (${f?.format ?? 'no campaign'}), ± 99% CI`,
    columns: [
      { header: 'Layer', kind: 'text' },
      { header: 'n baseline', kind: 'int' },
      { header: 'ΔLoss baseline', kind: 'estimate' },
      { header: 'Mismatch baseline', kind: 'estimate' },
      { header: 'n text-guided', kind: 'int' },
      { header: 'ΔLoss text-guided', kind: 'estimate' },
      { header: 'Mismatch text-guided', kind: 'estimate' },
      { header: 'ΔLoss improvement', kind: 'ratio' },
    ],
    rows: names.map((n) => {
      const b = base.get(n);
      const t = tg.get(n);
      return [
        n,
        b?.injections ?? null,
        b ? est(b.deltaLoss, b.deltaLossCi) : null,
        b ? est(b.mismatchRate, b.mismatchCi) : null,
        t?.injections ?? null,
        t ? est(t.deltaLoss, t.deltaLossCi) : null,
        t ? est(t.mismatchRate, t.mismatchCi) : null,
        ratio.get(n) ?? null,
      ];
    }),
  };
}

/** McNemar, bootstrap and the Top2Diff crossing (issue 8 §1). */
export function significanceTable(a: Analysis, sfx: string): Table {
  const s = a.significance;
  const conf = `${Math.round(s.bootstrap.confidence * 100)}%`;
  return {
    id: `tbl-significance${sfx}`,
    caption: 'Is the accuracy difference significant? Paired tests on the same test images',
    columns: [
      { header: 'Statistic', kind: 'text' },
      { header: 'Value', kind: 'num' },
    ],
    rows: [
      ['Both correct', s.table.bothCorrect],
      ['Only baseline correct (b)', s.table.onlyFirst],
      ['Only text-guided correct (c)', s.table.onlySecond],
      ['Both wrong', s.table.bothWrong],
      ['McNemar exact p (two-sided)', s.mcnemar.pValue],
      ['McNemar mid-p', s.mcnemar.midPValue],
      ['Accuracy text-guided − baseline (points)', s.bootstrap.difference * 100],
      [`Paired bootstrap ${conf} CI, lower (points)`, s.bootstrap.lower * 100],
      [`Paired bootstrap ${conf} CI, upper (points)`, s.bootstrap.upper * 100],
      ['Bootstrap resamples (seed)', `${s.bootstrap.resamples} (${s.bootstrap.seed})`],
      ['Top2Diff δ where text-guided accuracy meets baseline', s.crossing === null ? 'never within 0–40' : s.crossing],
    ],
  };
}

/** The Fig. 4 sweep as numbers. */
export function sweepTable(a: Analysis, sfx: string): Table {
  return {
    id: `tbl-sweep${sfx}`,
    caption: 'Accuracy after excluding correct images with Top2Diff below δ (paper Fig. 4)',
    columns: [
      { header: 'δ', kind: 'num' },
      { header: 'Accuracy baseline', kind: 'pct' },
      { header: 'Accuracy text-guided', kind: 'pct' },
    ],
    rows: a.significance.sweep.map((p) => [p.delta, p.first, p.second]),
  };
}

/** Per-layer value ranges (Fig. 3) as numbers. */
export function rangesTable(a: Analysis, sfx: string): Table {
  const v = a.valueRanges;
  return {
    id: `tbl-ranges${sfx}`,
    caption: 'Profiled activation ranges per layer (paper Fig. 3): max and mean |activation| on the golden images',
    columns: [
      { header: 'Layer', kind: 'text' },
      { header: 'Max baseline', kind: 'num' },
      { header: 'Max text-guided', kind: 'num' },
      { header: 'Mean baseline', kind: 'num' },
      { header: 'Mean text-guided', kind: 'num' },
    ],
    rows: [
      ...v.rows.map((r) => [
        r.last ? `${r.layer} (last)` : r.layer,
        r.baseline?.maxAbs ?? null,
        r.textGuided?.maxAbs ?? null,
        r.baseline?.meanAbs ?? null,
        r.textGuided?.meanAbs ?? null,
      ]),
      [
        'last layer (text-guided: latent + projection)',
        v.lastLayer.baseline?.maxAbs ?? null,
        v.lastLayer.textGuided?.maxAbs ?? null,
        v.lastLayer.baseline?.meanAbs ?? null,
        v.lastLayer.textGuided?.meanAbs ?? null,
      ],
    ],
  };
}

/** SDC FIT per layer and in total (issue 8 §3). */
export function fitTable(a: Analysis, sfx: string): Table {
  const f = a.fit;
  const tg = new Map((f?.textGuided.layers ?? []).map((l) => [l.layer, l]));
  const base = new Map((f?.baseline.layers ?? []).map((l) => [l.layer, l]));
  const names = layerUnion(base.keys(), tg.keys());
  const cell = (l: { fit: number; fitCi: number } | undefined) => (l ? est(l.fit, l.fitCi) : null);
  return {
    id: `tbl-fit${sfx}`,
    caption: `SDC FIT (failures per 10⁹ h) at ${f?.rawFitPerMbit ?? 'n/a'} FIT/Mbit raw rate, ${f?.format ?? 'no campaign'}, ± 99% CI`,
    columns: [
      { header: 'Layer', kind: 'text' },
      { header: 'Activation bits baseline', kind: 'int' },
      { header: 'FIT baseline', kind: 'estimate' },
      { header: 'Activation bits text-guided', kind: 'int' },
      { header: 'FIT text-guided', kind: 'estimate' },
    ],
    rows: f
      ? [
          ...names.map((n) => [
            n,
            base.get(n)?.bitsPerInference ?? null,
            cell(base.get(n)),
            tg.get(n)?.bitsPerInference ?? null,
            cell(tg.get(n)),
          ]),
          [
            'total',
            f.baseline.totalBits,
            est(f.baseline.fit, f.baseline.fitCi),
            f.textGuided.totalBits,
            est(f.textGuided.fit, f.textGuided.fitCi),
          ],
        ]
      : [],
    ...(f ? { note: f.assumptions } : {}),
  };
}

/** Table 3: projection initialisation ablation. */
export function ablationTableOf(a: Analysis, sfx: string): Table | null {
  if (!a.ablation) return null;
  return {
    id: `tbl-ablation${sfx}`,
    caption: `Projection initialisation ablation (paper Table 3) against baseline ${a.ablation.baseline}`,
    columns: [
      { header: 'Initialisation', kind: 'text' },
      { header: 'Run', kind: 'text' },
      { header: 'Accuracy', kind: 'pct' },
      { header: 'Improvement (last layer)', kind: 'ratio' },
      { header: 'Improvement (overall)', kind: 'ratio' },
    ],
    rows: a.ablation.rows.map((r) => [r.label, r.run, r.accuracy, r.lastLayer, r.overall]),
  };
}

/** Everything a reader needs to judge the numbers: formats, detector, n, seeds, text sources. */
export function settingsTable(a: Analysis, sfx: string): Table {
  const s = a.settings;
  const rows: [string, string | number | null][] = [
    // Older analysis.json files have no inputs.
    ...(s.inputs ?? []).map((r): [string, string] => [r.setting, r.value]),
    ['Dataset / split / images', `${s.dataset} / ${s.split} / ${s.images}`],
    ...goldenInputRows(s.goldenInputs),
    ['Backbone', s.backbone],
    ['Number formats', s.formats.join(', ') || 'none in common'],
    ...s.campaigns.map((c): [string, string] => [
      `Campaign ${c.model === 'baseline' ? 'baseline' : 'text-guided'} ${c.campaign}`,
      `${c.format} ${c.target}, ${c.errorModel}, range detector ${c.rangeDetector ? 'on' : 'off'}${c.guard ? `, ${c.guard} guard` : ''}, n = ${c.perLayer} per layer${c.stratify === 'bit' ? ' stratified by bit' : ''}, seed ${c.seed}, from ${c.source}${leftOutNote(c.leftOut)}`,
    ]),
    [
      'Training seeds (baseline / text-guided)',
      `${s.trainingSeeds.baseline ?? 'n/a'} / ${s.trainingSeeds.textGuided ?? 'n/a'}`,
    ],
    ['Text encoder', s.encoder ?? 'n/a'],
    ['Description source', s.descriptions ?? 'n/a'],
    ['Bootstrap', `${s.bootstrap.resamples} resamples, seed ${s.bootstrap.seed}`],
    [
      'Ablation-CAM',
      s.cam
        ? `${s.cam.flips} weight bit flips drawn in bits ${s.cam.bits.length === 32 ? '0–31' : s.cam.bits.join(',')}, seed ${s.cam.seed}${s.cam.measure ? `; map similarity over up to ${s.cam.measure} images` : ''}`
        : 'not run',
    ],
    ['Raw upset rate for FIT', `${s.rawFitPerMbit} FIT/Mbit`],
  ];
  return {
    id: `tbl-settings${sfx}`,
    caption: 'Settings',
    columns: [
      { header: 'Setting', kind: 'text' },
      { header: 'Value', kind: 'text' },
    ],
    rows,
  };
}

/** Bit × layer cells as a flat table (CSV only: the heat maps show it in the page). */
export function bitsTable(a: Analysis, sfx: string): Table {
  const f = a.comparison.formats[0];
  const rows = (['baseline', 'textGuided'] as const).flatMap((model) =>
    (f?.[model].bits ?? []).map((c) => [
      model,
      c.layer,
      c.bit,
      c.injections,
      c.deltaLoss,
      c.deltaLossCi,
      c.mismatchRate,
      c.mismatchCi,
      c.nonFinite,
      c.withinRangeShare,
    ]),
  );
  return {
    id: `tbl-bits${sfx}`,
    caption: `Per layer and bit (${f?.format ?? 'no campaign'})`,
    columns: [
      'model',
      'layer',
      'bit',
      'injections',
      'deltaLoss',
      'deltaLossCi',
      'mismatchRate',
      'mismatchCi',
      'nonFinite',
      'withinRangeShare',
    ].map((header, i) => ({ header, kind: i < 2 ? ('text' as const) : ('num' as const) })),
    rows,
  };
}

/** Paper §7.3 on fp32 itself: per bit, what a flip does to values with |x| < 2. */
export function smallValuesTable(a: Analysis, sfx: string): Table {
  const sv = a.smallValues;
  return {
    id: `tbl-small-values${sfx}`,
    caption: `Flipping one fp32 bit of a value with |x| < ${sv.bound} (every exponent, both signs, ${sv.mantissasPerExponent + 3} mantissas per exponent)`,
    columns: [
      { header: 'Bit', kind: 'num' },
      { header: 'Values tested', kind: 'int' },
      { header: `Share still below ${sv.bound}`, kind: 'pct' },
      { header: 'Non-finite results', kind: 'int' },
      { header: 'Largest finite |result|', kind: 'num' },
    ],
    rows: sv.bits.map((o) => [o.bit, o.tested, o.stayedBelow / o.tested, o.nonFinite, o.maxAbsAfter]),
  };
}

/**
 * Settings rows of each golden run's image fit and label mapping: one row each when both models share it (issue 18).
 */
function goldenInputRows(g: Analysis['settings']['goldenInputs']): [string, string][] {
  if (!g) return []; // an older analysis.json
  const rows: [string, string][] = [];
  const what = [
    ['fit', 'Image fit', "none: the dataset's images as they are"],
    ['labels', 'Label mapping', 'none: dataset label k is model class k'],
  ] as const;
  for (const [key, name, none] of what) {
    const [b, t] = [g.baseline[key] ?? none, g.textGuided[key] ?? none];
    if (b === t) rows.push([`${name} (both models)`, b]);
    else rows.push([`${name} baseline`, b], [`${name} text-guided`, t]);
  }
  return rows;
}

/** The Settings row's note on layers no fault could land in (issue 20: a campaign never drops one silently). */
function leftOutNote(leftOut: readonly { name: string; reason: string }[] | undefined): string {
  return leftOut?.length ? `; layers left out: ${leftOut.map((l) => `${l.name} (${l.reason})`).join('; ')}` : '';
}
