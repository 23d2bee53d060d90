import { numberFormat } from '../faults/formats/registry.js';
import { defaultConfidence } from '../stats/confidence.js';
import type { Classifier } from '../faults/model/classifier.js';
import type { CampaignPlan } from '../faults/plan/plan.js';
import type { CampaignSummary, LayerStats } from '../faults/store/records.js';
import { layerPopulation, marginOfError, sampleSize } from '../stats/sample-size.js';
import { intervalLabel } from '../stats/sequential-level.js';

/** What `tgr` prints: the views of a classifier, a plan and a summary, as aligned text. */

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map(
      (r) =>
        '  ' +
        r
          .map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

const pct = (p: number, digits = 2) => (Number.isFinite(p) ? `${(100 * p).toFixed(digits)}%` : '—');
const num = (v: number, digits = 4) => (Number.isFinite(v) ? v.toPrecision(digits) : '—');

/** `tgr inspect`: input, classes, and every injectable layer with its per-image shape. */
export function describeClassifier(c: Classifier): string {
  // A layout column when an exporter put the batch elsewhere in some layer (faults land in its batch-major view).
  const layouts = c.layers.some((l) => l.native);
  const rows = [
    ['layer', 'op', 'shape', 'neurons', 'weights', ...(layouts ? ['layout'] : [])],
    ...c.layers.map((l) => [
      l.name + (c.lastLayers.includes(l.name) ? ' *' : ''),
      l.opType,
      l.shape.join('×'),
      String(l.neurons),
      l.weightElements ? String(l.weightElements) : '—',
      ...(layouts ? [l.native ? `[${l.native.shape.join(',')}]` : 'batch-major'] : []),
    ]),
  ];
  return [
    `${c.file} (sha256 ${c.sha256.slice(0, 16)}…, head ${c.head}${c.backbone ? `, backbone ${c.backbone}` : ''})`,
    `input   '${c.input.name}' [N,${c.input.shape.join(',')}]`,
    `output  '${c.output.name}' [N,${c.output.classes}]: ${c.output.classes} classes`,
    `${c.layers.length} injectable layers (* = last layer):`,
    table(rows),
    ...leftOutNote(c.leftOut),
  ].join('\n');
}

/**
 * `tgr plan`: per layer, the population of fault sites (elements × bits × pool images), the 99% margin the planned n
 * buys at the worst case p = 0.5 (Leveugle et al. 2009), and, for a target margin, the n it would take.
 */
export function planTable(plan: CampaignPlan, margin?: number, confidence = defaultConfidence): string {
  const head = [
    'layer',
    'elements',
    'population N',
    `n`,
    `±margin (${confidence * 100}%)`,
    ...(margin ? [`n for ±${pct(margin, 2)}`] : []),
  ];
  const rows = planLayerRows(plan, margin, confidence).map((r) => [
    r.layer,
    String(r.elements),
    r.population.toExponential(3),
    String(r.n),
    pct(r.margin, 3),
    ...(r.nForMargin === null ? [] : [String(r.nForMargin)]),
  ]);
  return [
    `plan: ${plan.layers.length} layers × ${plan.perLayer} = ${plan.sites.layer.length} injections, ${plan.target}, ${plan.format}, ${plan.errorModel}, seed ${plan.seed}, range detector ${plan.rangeDetector ? 'on' : 'off'}${guardText(plan)}${strataText(plan)}`,
    `pool: ${plan.pool} correctly classified images with Top2Diff > 0 (${plan.dataset.name}/${plan.dataset.split}); ${plan.units.length} units`,
    table([head, ...rows]),
    'margins are worst-case (p = 0.5); the CIs in summary.json are at the observed rates',
  ].join('\n');
}

/** One layer of `tgr plan`'s table as data (also its --json document's `layers`). */
export interface PlanLayerRow {
  layer: string;
  elements: number;
  /** Fault sites: elements × bits × pool images. */
  population: number;
  /** Injections planned per layer (independent draws, so it may exceed the population). */
  n: number;
  /** Worst-case (p = 0.5) margin of error the n buys, a proportion. */
  margin: number;
  /** The n the asked margin would take; null when none was asked. */
  nForMargin: number | null;
}

/** Per layer: the population of fault sites, the margin the planned n buys and the n a target margin takes. */
export function planLayerRows(plan: CampaignPlan, margin?: number, confidence = defaultConfidence): PlanLayerRow[] {
  const bits = numberFormat(plan.format).bits;
  return plan.layers.map((l) => {
    const N = layerPopulation(l.elements, bits, plan.pool);
    const n = plan.perLayer;
    // Sites are drawn independently (with replacement), so no finite-population correction applies.
    return {
      layer: l.name,
      elements: l.elements,
      population: N,
      n,
      margin: marginOfError(n, { population: Infinity, confidence }),
      nForMargin: margin ? sampleSize(margin, { population: Infinity, confidence }) : null,
    };
  });
}

/** How a bit-stratified plan split each layer's n; nothing for a uniform plan. */
function strataText(plan: CampaignPlan): string {
  const s = plan.strata;
  if (!s) return '';
  const how =
    s.allocation === 'neyman'
      ? `Neyman from a ${s.pilot}-site pilot per layer`
      : s.allocation === 'floor'
        ? `each round a floor for bits without hits, the rest ∝ √rate, after a ${s.pilot}-site pilot per layer`
        : 'equally';
  return `, stratified by bit (${s.weights.length} strata of weight 1/${s.weights.length}, sites split ${how})`;
}

/** The plan's score guard and its proven ΔLoss bound, when it has one. */
function guardText(plan: CampaignPlan): string {
  return plan.guard && plan.guard !== 'none'
    ? `, guard ${plan.guard} (undetected ΔLoss ≤ ${plan.guardDeltaLossBound!.toPrecision(4)}, proven)`
    : '';
}

/**
 * `tgr inject`: per layer the paper's mismatch and ΔLoss with 99% CIs, the DUE count and each critical-fault rate
 * P(ΔLoss > τ) with its exact 99% interval; then the last layer and the overall (layer slots, last layer once).
 */
export function summaryTable(s: CampaignSummary): string {
  const tau = s.tau ?? [];
  const exact = (e: { value: number; lower: number; upper: number } | undefined) =>
    e ? `${pct(e.value, 1)} [${pct(e.lower, 1)}–${pct(e.upper, 1)}]` : '—';
  const row = (l: LayerStats, label = l.layer) => [
    label,
    String(l.n),
    `${pct(l.mismatchRate)} ±${pct(l.mismatchCi)}`,
    `${num(l.deltaLoss)} ±${num(l.deltaLossCi, 2)}`,
    String(l.nonFinite),
    ...tau.map((_, i) => exact(l.critical?.[i])),
  ];
  return [
    `${s.model}: ${s.target}, ${s.format}, ${s.errorModel}, range detector ${s.rangeDetector ? 'on' : 'off'}, ${s.perLayer} per layer`,
    ...(s.level !== undefined
      ? [
          `intervals: ${intervalLabel(s.level)}${s.interval === 'fay-feuer' ? ', rates by Fay–Feuer' : ''}, so the --halfwidth procedure's intervals cover 99%`,
        ]
      : []),
    table([
      ['layer', 'n', 'mismatch (99% CI)', 'ΔLoss (99% CI)', 'DUE', ...tau.map((t) => `ΔLoss>${t} (exact 99%)`)],
      ...s.layers.map((l) => row(l)),
      row(s.lastLayer, `last layer (${s.lastLayer.layer})`),
      row(s.overall),
    ]),
    ...leftOutNote(s.leftOut),
  ].join('\n');
}

/** "layers left out": Conv/Gemm/MatMul nodes no fault can land in, one line each with the reason; none, no lines. */
export function leftOutNote(leftOut: readonly { name: string; opType: string; reason: string }[] = []): string[] {
  if (!leftOut.length) return [];
  return [
    `${leftOut.length} Conv/Gemm/MatMul layers left out (no fault lands in them):`,
    ...leftOut.map((l) => `  ${l.name} (${l.opType}): ${l.reason}`),
  ];
}
