import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { CampaignAccumulator, type TallyOptions } from './layer-accumulator.js';
import {
  combineLayers,
  defaultTau,
  metricsFromStrata,
  overallMetrics,
  type IntervalSetting,
  type LayerMetrics,
} from './metrics.js';
import type { CampaignPlan } from '../plan/plan.js';
import { campaignInterval, campaignLevel, readPlan } from '../plan/plan-file.js';
import type { CampaignSummary, LayerStats } from '../store/records.js';
import { writeRunFile } from '../../run-folder/run-file.js';
import { forEachRecord } from '../store/store.js';
import { requireFinished } from '../store/verify.js';
import { GuardAccumulator } from './guard-summary.js';
import { runFolderFiles } from '../../run-folder/file-names.js';

/**
 * The plan's bit strata weights when it is bit-stratified (contract: `stratify: 'bit'`, `strata.weights`), else null.
 */
export function stratumWeights(plan: CampaignPlan): number[] | null {
  // Read structurally: plans of older tgr have neither field and are uniform.
  const p = plan as { stratify?: string; strata?: { weights?: number[] } };
  return p.stratify === 'bit' && p.strata?.weights ? p.strata.weights : null;
}

/** How a campaign's records are tallied: its plan's strata, level and rate interval, and the given thresholds. */
export function tallyOptions(plan: CampaignPlan, tau: readonly number[] = defaultTau): TallyOptions {
  // A fixed-n plan leaves the level and interval to the tallies' defaults, so its options are as they always were.
  return {
    tau,
    weights: stratumWeights(plan),
    ...(plan.level !== undefined ? { level: plan.level } : {}),
    ...(plan.interval !== undefined ? { interval: plan.interval } : {}),
  };
}

/**
 * Summarises a finished campaign directory (plan.json + faults.jsonl) with metrics.ts: per layer, the last layer
 * (for a text-guided head: latent and projection, neuron-weighted) and overall (layer slots, the last layer once);
 * writes summary.json and summary.csv. `tau`: the critical-fault thresholds (default 0.1, 1, 10).
 */
export function summarize(dir: string, opts: { tau?: readonly number[] } = {}): CampaignSummary {
  requireFinished(dir, 'summarising'); // records of another plan, damaged or missing units never reach a summary
  const plan = readPlan(join(dir, runFolderFiles.plan));
  const tally = tallyOptions(plan, opts.tau);
  const acc = new CampaignAccumulator(tally);
  const guardAcc = new GuardAccumulator();
  forEachRecord(join(dir, runFolderFiles.faults), (r) => {
    acc.add(r);
    guardAcc.add(r);
  });
  const neurons = new Map(plan.layers.map((l) => [l.name, l.elements]));
  const metrics = acc.layers(plan.layers.map((l) => l.name));
  const layers = metrics.map((m) => stats(m, neurons.get(m.layer)!));
  const at = { level: campaignLevel(plan), interval: campaignInterval(plan) };
  const last = lastLayer(plan, metrics, at);
  const lastRow = last ? stats(last.metrics, last.neurons) : stats(metricsFromStrata('last', [], tally.tau!, at), 0);
  const overall = overallMetrics(metrics, last?.metrics ?? null, plan.lastLayers, at);
  const summary: CampaignSummary = {
    model: plan.model.path,
    format: plan.format,
    errorModel: plan.errorModel,
    target: plan.target,
    rangeDetector: plan.rangeDetector,
    seed: plan.seed,
    perLayer: plan.perLayer,
    stratify: stratumWeights(plan) ? 'bit' : 'none',
    tau: [...tally.tau!],
    ...(plan.level !== undefined ? { level: plan.level } : {}),
    ...(plan.interval !== undefined ? { interval: plan.interval } : {}),
    layers,
    lastLayer: lastRow,
    overall: {
      ...stats(
        overall,
        layers.reduce((s, l) => s + l.neurons, 0),
      ),
      slots: overall.slots,
    },
  };
  const guard = guardAcc.result(plan);
  if (guard) summary.guard = guard;
  if (plan.leftOut?.length) summary.leftOut = plan.leftOut;
  writeRunFile('summary', join(dir, runFolderFiles.summary), summary);
  writeFileAtomic(join(dir, 'summary.csv'), summaryCsv(summary));
  return summary;
}

function stats(m: LayerMetrics, neurons: number): LayerStats {
  return { ...m, neurons, n: m.injections };
}

/** The model's last layer; several (text-guided latent + projection) are combined neuron-weighted (paper §5.2). */
function lastLayer(
  plan: CampaignPlan,
  metrics: LayerMetrics[],
  at: IntervalSetting,
): { metrics: LayerMetrics; neurons: number } | null {
  const parts = plan.lastLayers.flatMap((name) => {
    const m = metrics.find((x) => x.layer === name);
    const l = plan.layers.find((x) => x.name === name);
    return m && l ? [{ metrics: m, neurons: l.elements }] : [];
  });
  if (parts.length === 0) return null;
  return {
    metrics: combineLayers(plan.lastLayers.join('+'), parts, at),
    neurons: parts.reduce((s, p) => s + p.neurons, 0),
  };
}

/** One row per layer, last layer and overall: the paper's columns, then each rate with its exact 99% interval. */
function summaryCsv(s: CampaignSummary): string {
  const rates = (l: LayerStats) =>
    [['sdc', l.sdc], ['due', l.due], ...s.tau.map((t, i) => [`critical>${t}`, l.critical[i]!] as const)] as const;
  const header = [
    ...['layer', 'neurons', 'n', 'mismatchRate', 'mismatchCi', 'deltaLoss', 'deltaLossCi', 'nonFinite'],
    ...rates(s.overall).flatMap(([name]) => [name, `${name} lower`, `${name} upper`]),
  ];
  const rows = [...s.layers, s.lastLayer, s.overall].map((l) =>
    [
      l.layer,
      l.neurons,
      l.n,
      l.mismatchRate,
      l.mismatchCi,
      l.deltaLoss,
      l.deltaLossCi,
      l.nonFinite,
      ...rates(l).flatMap(([, e]) => [e.value, e.lower, e.upper]),
    ]
      .map(csvCell)
      .join(','),
  );
  return [header.map(csvCell).join(','), ...rows].join('\n') + '\n';
}

function csvCell(v: string | number): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
