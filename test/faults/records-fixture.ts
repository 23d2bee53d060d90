/** A hand-made plan and its records, for the store tests: no model, no ONNX Runtime. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CampaignPlan } from '../../src/faults/plan/plan.js';
import { writePlan } from '../../src/faults/plan/plan-file.js';
import { recordLine } from '../../src/faults/store/store.js';

/** 2 layers ('a', 'b') × 6 sites, in 3 units of 4 sites (unit 1 spans both layers). */
export function smallPlan(over: Partial<CampaignPlan> = {}): CampaignPlan {
  const n = 12;
  return {
    model: { path: 'model.onnx', sha256: 'ab'.repeat(32) },
    dataset: { name: 'random', split: 'test' },
    perLayer: 6,
    format: 'fp32',
    errorModel: 'bit-flip',
    target: 'neurons',
    seed: 1,
    rangeDetector: false,
    stratify: 'none',
    lastLayers: ['b'],
    pool: 4,
    batchSize: 4,
    layers: ['a', 'b'].map((name) => ({ name, tensor: `${name}_out`, elements: 8, maxAbs: 2, bound: 2 })),
    groups: [[0, 1]],
    units: [0, 4, 8].map((start) => ({ start, end: start + 4, group: 0, images: [0, 1] })),
    sites: {
      layer: Array.from({ length: n }, (_, i) => (i < 6 ? 0 : 1)),
      image: Array.from({ length: n }, (_, i) => i % 2),
      index: Array.from({ length: n }, (_, i) => i % 8),
      bit: Array.from({ length: n }, (_, i) => (i * 5) % 32),
    },
    ...over,
  } as CampaignPlan;
}

/** The records of sites start..end-1 of `plan`, as faults.jsonl lines. */
export function unitLines(plan: CampaignPlan, start: number, end: number): string {
  let out = '';
  for (let id = start; id < end; id++) {
    out += recordLine({
      id,
      layer: plan.layers[plan.sites.layer[id]!]!.name,
      image: plan.sites.image[id]!,
      index: plan.sites.index[id]!,
      bit: plan.sites.bit[id]!,
      original: 0.5,
      faulty: 0.25 + id,
      goldenTop1: 0,
      faultyTop1: id % 3 === 0 ? 1 : 0,
      goldenLoss: 0.5,
      faultyLoss: 0.5 + id / 8,
      nonFinite: false,
    });
  }
  return out;
}

/** A campaign folder holding plan.json. */
export function planFolder(label: string, plan = smallPlan()): string {
  const dir = mkdtempSync(join(tmpdir(), `tgr-${label}-`));
  writePlan(join(dir, 'plan.json'), plan);
  return dir;
}
