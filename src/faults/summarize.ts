import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import {
  CampaignAccumulator,
  combineLayers,
  overallMetrics,
  type LayerMetrics,
  type OverallMetrics,
} from './metrics.js';
import type { CampaignPlan } from './plan.js';
import { readPlan } from './plan-file.js';
import type { CampaignSummary, LayerStats } from './records.js';
import { writeCompactJson } from './json-file.js';
import { forEachRecord } from './store.js';
import { GuardAccumulator } from './guard-summary.js';
import { requireFinished } from './verify.js';

const csvColumns = [
  'layer',
  'neurons',
  'n',
  'mismatchRate',
  'mismatchCi',
  'deltaLoss',
  'deltaLossCi',
  'nonFinite',
] as const satisfies readonly (keyof LayerStats)[];

/**
 * Summarises a finished campaign directory (plan.json + faults.jsonl) with metrics.ts: per layer, the last layer
 * (for a text-guided head: latent and projection, neuron-weighted) and overall; writes summary.json and summary.csv.
 */
export function summarize(dir: string): CampaignSummary {
  requireFinished(dir, 'summarising'); // records of another plan, damaged or missing units never reach a summary
  const plan = readPlan(join(dir, 'plan.json'));
  const acc = new CampaignAccumulator();
  const guardAcc = new GuardAccumulator();
  forEachRecord(join(dir, 'faults.jsonl'), (r) => {
    acc.add(r);
    guardAcc.add(r);
  });
  const neurons = new Map(plan.layers.map((l) => [l.name, l.elements]));
  const metrics = acc.layers(plan.layers.map((l) => l.name));
  const layers = metrics.map((m) => stats(m, neurons.get(m.layer)!));
  const summary: CampaignSummary = {
    model: plan.model.path,
    format: plan.format,
    errorModel: plan.errorModel,
    target: plan.target,
    rangeDetector: plan.rangeDetector,
    seed: plan.seed,
    perLayer: plan.perLayer,
    layers,
    lastLayer: lastLayer(plan, metrics),
    overall: overall(overallMetrics(metrics), layers),
  };
  const guard = guardAcc.result(plan);
  if (guard) summary.guard = guard;
  writeCompactJson(join(dir, 'summary.json'), summary);
  const rows = [...layers, summary.lastLayer, summary.overall].map((s) =>
    csvColumns.map((c) => csvCell(s[c])).join(','),
  );
  writeFileAtomic(join(dir, 'summary.csv'), [csvColumns.join(','), ...rows].join('\n') + '\n');
  return summary;
}

function stats(m: LayerMetrics, neurons: number): LayerStats {
  return {
    layer: m.layer,
    neurons,
    n: m.injections,
    mismatchRate: m.mismatchRate,
    mismatchCi: m.mismatchCi,
    deltaLoss: m.deltaLoss,
    deltaLossCi: m.deltaLossCi,
    nonFinite: m.nonFinite,
  };
}

/** The model's last layer; several (text-guided latent + projection) are combined neuron-weighted (paper §5.2). */
function lastLayer(plan: CampaignPlan, metrics: LayerMetrics[]): LayerStats {
  const parts = plan.lastLayers.flatMap((name) => {
    const m = metrics.find((x) => x.layer === name);
    const l = plan.layers.find((x) => x.name === name);
    return m && l ? [{ metrics: m, neurons: l.elements }] : [];
  });
  if (parts.length === 0)
    return {
      layer: 'last',
      neurons: 0,
      n: 0,
      mismatchRate: NaN,
      mismatchCi: NaN,
      deltaLoss: NaN,
      deltaLossCi: NaN,
      nonFinite: 0,
    };
  const m = parts.length === 1 ? parts[0]!.metrics : combineLayers(plan.lastLayers.join('+'), parts);
  return stats(
    m,
    parts.reduce((s, p) => s + p.neurons, 0),
  );
}

function overall(o: OverallMetrics, layers: LayerStats[]): LayerStats {
  return {
    layer: 'overall',
    neurons: layers.reduce((s, l) => s + l.neurons, 0),
    n: o.injections,
    mismatchRate: o.mismatchRate,
    mismatchCi: o.mismatchCi,
    deltaLoss: o.deltaLoss,
    deltaLossCi: o.deltaLossCi,
    nonFinite: o.nonFinite,
  };
}

function csvCell(v: string | number): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
