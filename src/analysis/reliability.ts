import type { LayerStats } from '../faults/records.js';
import {
  CampaignAccumulator,
  combineLayers,
  overallMetrics,
  type LayerMetrics,
  type OverallMetrics,
} from '../faults/metrics.js';
import { check } from '../core/errors.js';
import { BitVulnerabilityAccumulator, type BitCell } from './stats/bit-vulnerability.js';
import { forEachRecord } from '../faults/store.js';
import type { CampaignFiles, CampaignSettings, RunDir } from './run-dir.js';

/** One model's campaign, summarised as the comparison needs it. */
export interface CampaignReliability extends CampaignSettings {
  /** The campaign's folder under campaign/ (its format unless named otherwise). */
  campaign: string;
  /** Per-layer metrics in graph order (layers without records are left out). */
  layers: LayerMetrics[];
  /** The model's last layer; for text-guided heads latent + projection, neuron-weighted (metrics.ts). */
  lastLayer: LayerMetrics;
  /** Mean over layers, each layer weighing the same (paper §5.2). */
  overall: OverallMetrics;
  /** Per (layer, bit) metrics and in-range shares for the bit × layer heat map; null without faults.jsonl. */
  bits: BitCell[] | null;
  /** Where the numbers came from: every record, or only summary.json when faults.jsonl is absent. */
  source: 'faults.jsonl' | 'summary.json';
}

/** A summary.json layer row in metrics.ts's shape (summary.json keeps fewer fields; counts are rebuilt from rates). */
function fromStats(s: LayerStats): LayerMetrics {
  const mismatches = Math.round(s.mismatchRate * s.n);
  return {
    layer: s.layer,
    injections: s.n,
    mismatches,
    mismatchRate: s.mismatchRate,
    mismatchCi: s.mismatchCi,
    nonFinite: s.nonFinite,
    nonFiniteRate: s.n ? s.nonFinite / s.n : NaN,
    finite: s.n - s.nonFinite,
    deltaLoss: s.deltaLoss,
    deltaLossCi: s.deltaLossCi,
  };
}

/** Per-layer metrics of a campaign, from its records when present (the source of truth), else from summary.json. */
function layerMetrics(run: RunDir, c: CampaignFiles): Pick<CampaignReliability, 'layers' | 'bits' | 'source'> {
  const order = run.golden.layers.map((l) => l.name);
  if (c.faultsPath) {
    const acc = new CampaignAccumulator();
    const bitAcc = new BitVulnerabilityAccumulator(
      Object.fromEntries(run.golden.layers.map((l) => [l.name, l.maxAbs])),
    );
    const seen = new Set<string>();
    // One pass over the records feeds both tallies.
    forEachRecord(c.faultsPath, (r) => {
      acc.add(r);
      bitAcc.add({ ...r, faultyValue: r.faulty });
      seen.add(r.layer);
    });
    const present = order.filter((n) => seen.has(n));
    return { layers: acc.layers(present), bits: bitAcc.cellsInOrder(present), source: 'faults.jsonl' };
  }
  check(
    c.summary,
    'bad_file',
    () => `${run.dir}/campaign/${c.name}: neither faults.jsonl nor summary.json; re-run 'tgr inject'`,
  );
  const byName = new Map(c.summary.layers.map((s) => [s.layer, s]));
  return {
    layers: order.filter((n) => byName.has(n)).map((n) => fromStats(byName.get(n)!)),
    bits: null,
    source: 'summary.json',
  };
}

/** Summarises one campaign of a run: per-layer, last layer (neuron-weighted), overall. */
export function campaignReliability(run: RunDir, c: CampaignFiles): CampaignReliability {
  const { layers, bits, source } = layerMetrics(run, c);
  check(
    layers.length > 0,
    'bad_file',
    () => `${run.dir}/campaign/${c.name}: no injections recorded; run 'tgr inject' on this run first`,
  );
  const byName = new Map(layers.map((m) => [m.layer, m]));
  const neurons = new Map(run.golden.layers.map((l) => [l.name, l.neurons]));
  const missing = run.golden.lastLayers.filter((n) => !byName.has(n));
  check(
    missing.length === 0,
    'bad_file',
    () =>
      `${run.dir}/campaign/${c.name}: no injections in last layer(s) ${missing.join(', ')}; the comparison needs them — re-run the campaign over all layers`,
  );
  const lastLayer = combineLayers(
    run.golden.lastLayers.join('+'),
    run.golden.lastLayers.map((n) => ({ metrics: byName.get(n)!, neurons: neurons.get(n) ?? 1 })),
  );
  return { campaign: c.name, ...c.settings, layers, lastLayer, overall: overallMetrics(layers), bits, source };
}
