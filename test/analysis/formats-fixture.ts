import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GuardSummary } from '../../src/faults/metrics/guard-summary.js';
import { writeRun, type FixtureRun } from './fixtures.js';

/** Which injections of the baseline's fc and the text-guided latent changed the top-1, per campaign. */
interface Variant {
  campaign: string;
  format: string;
  rangeDetector?: boolean;
  guard?: GuardSummary['kind'];
  fc: boolean[];
  latent: boolean[];
}

/**
 * The multi-format pair of the formats tests, in the order written (a later writeRun replaces `campaign/FORMAT`, so
 * each variant is renamed to its folder before the next): fp32 plain; bf16 with the range detector only (no plain
 * campaign); fp16 plain, range detector and score guard. Only the last layers' mismatches differ between campaigns.
 */
export const formatVariants: readonly Variant[] = [
  { campaign: 'bf16-rd', format: 'bf16', rangeDetector: true, fc: [false, true], latent: [false, false] },
  { campaign: 'fp16-rd', format: 'fp16', rangeDetector: true, fc: [false, false], latent: [false, false] },
  { campaign: 'fp16-guard', format: 'fp16', guard: 'profiled', fc: [true, false], latent: [true, true] },
  { campaign: 'fp16', format: 'fp16', fc: [true, false], latent: [false, true] },
  { campaign: 'fp32', format: 'fp32', fc: [true, true], latent: [false, true] },
];

const guardSummary = (kind: GuardSummary['kind']): GuardSummary => ({
  kind,
  bounds: [4, 4, 4],
  provenDeltaLoss: 8,
  injections: 4,
  detected: 0,
  deltaLoss: { n: 4, mean: 1, max: 3, quantiles: [] },
  layers: [],
});

/** The baseline (conv1 + fc, accuracy 3/4) and text-guided (conv1 + latent + projection, accuracy 1) runs. */
function runs(v: Variant): { base: FixtureRun; tg: FixtureRun } {
  const common = { labels: [0, 1, 2, 0], top2diff: [10, 20, 30, 40], format: v.format };
  const flags = v.rangeDetector ? { rangeDetector: true } : {};
  return {
    base: {
      ...common,
      ...flags,
      head: 'linear',
      preds: [0, 1, 2, 1],
      lastLayers: ['fc'],
      layers: [
        { name: 'conv1', neurons: 8, maxAbs: 4, meanAbs: 1, deltas: [0.3, 0.1] },
        { name: 'fc', neurons: 3, maxAbs: 20, meanAbs: 6, deltas: [2, 4], mismatches: v.fc, bits: [3, 14] },
      ],
    },
    tg: {
      ...common,
      ...flags,
      head: 'text-guided',
      preds: [0, 1, 2, 0],
      lastLayers: ['head.latent', 'head.projection'],
      layers: [
        { name: 'conv1', neurons: 8, maxAbs: 3, meanAbs: 1, deltas: [0.1, 0.3] },
        { name: 'head.latent', neurons: 4, maxAbs: 2, meanAbs: 0.5, deltas: [0.5, 1], mismatches: v.latent },
        { name: 'head.projection', neurons: 3, maxAbs: 5, meanAbs: 1, deltas: [0.25, 2], bits: [1, 15] },
      ],
    },
  };
}

/** Adds a guard summary to a written campaign's summary.json (writeRun writes none). */
function addGuard(campaignDir: string, kind: GuardSummary['kind']): void {
  const path = join(campaignDir, 'summary.json');
  const summary = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...summary, guard: guardSummary(kind) }));
}

/** Writes the pair under root; `emulated` marks both golden runs as `tgr emulate` models in that format. */
export function formatsPair(root: string, emulated?: string): { baseline: string; textGuided: string } {
  const baseline = join(root, 'base');
  const textGuided = join(root, 'tg');
  for (const v of formatVariants) {
    const { base, tg } = runs(v);
    for (const [dir, run] of [
      [baseline, base],
      [textGuided, tg],
    ] as const) {
      writeRun(dir, run);
      if (v.campaign === v.format) continue;
      renameSync(join(dir, 'campaign', v.format), join(dir, 'campaign', v.campaign));
      if (v.guard) addGuard(join(dir, 'campaign', v.campaign), v.guard);
    }
  }
  if (emulated)
    for (const dir of [baseline, textGuided]) {
      const path = join(dir, 'golden.json');
      const golden = JSON.parse(readFileSync(path, 'utf8')) as { model: Record<string, unknown> };
      writeFileSync(path, JSON.stringify({ ...golden, model: { ...golden.model, emulated } }));
    }
  return { baseline, textGuided };
}
