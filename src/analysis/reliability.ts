import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CampaignAccumulator } from '../faults/metrics/layer-accumulator.js';
import { combineLayers, defaultTau, metricsFromStrata, overallMetrics } from '../faults/metrics/metrics.js';
import { defaultLevel } from '../stats/stratified.js';
import { readPlan } from '../faults/plan/plan-file.js';
import { stratumWeights } from '../faults/metrics/summarize.js';
import { check } from '../core/errors.js';
import { BitVulnerabilityAccumulator } from './stats/bit-vulnerability.js';
import { forEachRecord } from '../faults/store/store.js';
import type { CampaignFiles, RunDir } from './run-dir.js';
import { runFolderFiles } from '../run-folder/file-names.js';
import type { CampaignReliability } from '../run-folder/analysis.js';

export type { CampaignReliability } from '../run-folder/analysis.js';

/** How a campaign is read: the critical-fault thresholds (default 0.1, 1, 10). */
export interface ReliabilityOptions {
  tau?: readonly number[];
}

type Read = Pick<CampaignReliability, 'layers' | 'bits' | 'source' | 'stratify' | 'level' | 'interval'>;

/**
 * One pass over faults.jsonl: the per (layer, bit) cells, and the per-layer tallies — counted again, as the
 * campaign's plan stratified them — only when summary.json does not already hold them (`stored`).
 */
function fromRecords(run: RunDir, faultsPath: string, tau: readonly number[], stored: Read | null): Read {
  const planPath = join(dirname(faultsPath), runFolderFiles.plan);
  const plan = !stored && existsSync(planPath) ? readPlan(planPath) : null;
  const weights = plan ? stratumWeights(plan) : null;
  const level = plan?.level;
  const interval = plan?.interval;
  const acc = stored ? null : new CampaignAccumulator({ tau, weights, level: level ?? defaultLevel, interval });
  const bitAcc = new BitVulnerabilityAccumulator(
    Object.fromEntries(run.golden.layers.map((l) => [l.name, l.maxAbs])),
    level ?? stored?.level,
  );
  const seen = new Set<string>();
  forEachRecord(faultsPath, (r) => {
    acc?.add(r);
    bitAcc.add({ ...r, faultyValue: r.faulty });
    seen.add(r.layer);
  });
  const present = run.golden.layers.map((l) => l.name).filter((n) => seen.has(n));
  const bits = bitAcc.cellsInOrder(present);
  if (stored) return { ...stored, bits };
  return {
    layers: acc!.layers(present),
    bits,
    source: runFolderFiles.faults,
    stratify: weights ? 'bit' : 'none',
    ...(level !== undefined ? { level } : {}),
    ...(interval !== undefined ? { interval } : {}),
  };
}

/** Per-layer metrics recomputed from summary.json's per-stratum tallies, through the same code as records. */
function fromSummary(run: RunDir, c: CampaignFiles, tau: readonly number[]): Read {
  const where = `${run.dir}/campaign/${c.name}`;
  const s = c.summary;
  check(s, 'bad_file', () => `${where}: neither faults.jsonl nor summary.json; re-run 'tgr inject'`);
  const stored = s.tau;
  check(
    stored.join() === tau.join(),
    'bad_argument',
    () =>
      `--tau ${tau.join(',')}: ${where}/summary.json was tallied with τ = ${stored.join(',')} and faults.jsonl is gone, so it cannot be recounted; pass --tau ${stored.join(',')}`,
  );
  const byName = new Map(s.layers.map((l) => [l.layer, l]));
  const at = { level: s.level ?? defaultLevel, interval: s.interval };
  return {
    layers: run.golden.layers
      .filter((l) => byName.has(l.name))
      .map((l) => metricsFromStrata(l.name, byName.get(l.name)!.strata, tau, at)),
    bits: null,
    source: runFolderFiles.summary,
    stratify: s.stratify ?? 'none',
    ...(s.level !== undefined ? { level: s.level } : {}),
    ...(s.interval !== undefined ? { interval: s.interval } : {}),
  };
}

/** Summarises one campaign of a run: per-layer, last layer (neuron-weighted), overall (layer slots). */
export function campaignReliability(
  model: RunDir,
  c: CampaignFiles,
  opts: ReliabilityOptions = {},
): CampaignReliability {
  // A whole-network format campaign is measured against its own folder's golden run (run-dir.ts formatCampaigns).
  const run = c.ranIn ? { ...model, ...c.ranIn } : model;
  const tau = opts.tau ?? defaultTau;
  // summary.json's tallies are the campaign's metrics, counted once; the records are recounted only for another τ.
  const stored = c.summary && c.summary.tau.join() === tau.join() ? fromSummary(run, c, tau) : null;
  // A summary.json layer row is recomputed from its tallies (JSON stored the intervals' ±∞ as null; the tallies lose
  // nothing), at the campaign's level.
  const { layers, bits, source, stratify, level, interval } = c.faultsPath
    ? fromRecords(run, c.faultsPath, tau, stored)
    : (stored ?? fromSummary(run, c, tau));
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
  const at = { level: level ?? defaultLevel, interval };
  const lastLayer = combineLayers(
    run.golden.lastLayers.join('+'),
    run.golden.lastLayers.map((n) => ({ metrics: byName.get(n)!, neurons: neurons.get(n) ?? 1 })),
    at,
  );
  return {
    campaign: c.name,
    ...c.settings,
    stratify,
    tau: [...tau],
    ...(level !== undefined ? { level } : {}),
    ...(interval !== undefined ? { interval } : {}),
    layers,
    lastLayer,
    overall: overallMetrics(layers, lastLayer, run.golden.lastLayers, at),
    bits,
    source,
  };
}
