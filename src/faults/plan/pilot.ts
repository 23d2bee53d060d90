import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runFolderFiles } from '../../run-folder/file-names.js';
import { check } from '../../core/errors.js';
import type { GoldenActivations } from '../run/unit-cache.js';
import type { ImageSet } from '../run/images.js';
import { errorModel } from '../error-models/registry.js';
import { numberFormat } from '../formats/registry.js';
import { planCampaign, type CampaignPlan, type PlanOptions } from './plan.js';
import { readPlan, writePlan } from './plan-file.js';
import type { InjectionRecord } from '../store/records.js';
import { runCampaign } from '../run/runner.js';
import { forEachRecord } from '../store/store.js';
import { bitStrata, minPerStratum } from './strata.js';

/*
 * Neyman allocation needs each bit stratum's spread, which only a campaign can tell. The pilot is a small stratified
 * campaign (`--pilot N` sites per layer, spread equally over the bits, its own seeded streams) run in the campaign's
 * pilot/ folder, resumable like any campaign. What it measures per site is one bounded indicator, "the fault
 * mattered": an SDC (top-1 changed), a DUE (non-finite or detected output) or ΔLoss > 1. Its sd is what the rates
 * need and, unlike ΔLoss's sd, one exponent flip to 1e35 cannot hand it every site. The pilot's records are used for
 * the allocation only and are left out of every estimate (kept on disk for inspection): the main plan's sites are then
 * independent of the allocation, so the stratified estimators stay unbiased as they are.
 */

/** ΔLoss above which a pilot fault counts as mattering (the critical-fault τ = 1). */
export const pilotTau = 1;

/** Whether a fault mattered: SDC, DUE (non-finite or detected), or a finite ΔLoss above `pilotTau`. */
export function mattered(r: InjectionRecord): boolean {
  if (r.nonFinite || (r as { detected?: boolean }).detected === true) return true;
  if (r.faultyLoss === null || !Number.isFinite(r.faultyLoss)) return true;
  return r.faultyTop1 !== r.goldenTop1 || Math.abs(r.faultyLoss - r.goldenLoss) > pilotTau;
}

/**
 * A stratum's sd of the indicator from `hits` of `n`, with p smoothed to (hits + ½)/(n + 1): a stratum where the
 * pilot saw nothing (or everything) keeps a spread of order 1/n instead of 0, so it is not starved to the minimum on
 * the strength of a few draws.
 */
export function pilotSd(hits: number, n: number): number {
  const p = (hits + 0.5) / (n + 1);
  return Math.sqrt(p * (1 - p));
}

/** What a pilot runs on: the main plan's settings (the pilot overrides n and allocation) and the campaign's inputs. */
export interface PilotOptions {
  plan: PlanOptions;
  pilot: number;
  images: ImageSet;
  /** The campaign folder; the pilot lives in its pilot/ subfolder. */
  dir: string;
  threads?: number;
  quiet?: boolean;
  activations?: GoldenActivations;
}

/** The pilot's plan: the main plan's settings with `pilot` sites per layer allocated equally over the bits. */
export function pilotPlan(settings: PlanOptions, pilot: number): CampaignPlan {
  check(settings.stratify === 'bit', 'bad_argument', () => `--pilot is for --stratify bit --allocation neyman`);
  const bits = bitStrata(numberFormat(settings.format ?? 'fp32'), errorModel(settings.errorModel)).length;
  check(
    Number.isInteger(pilot) && pilot >= minPerStratum * bits,
    'bad_argument',
    () =>
      `--pilot ${pilot} is too small: ${bits} bit strata need at least ${minPerStratum} pilot sites each (${minPerStratum * bits}) — raise --pilot`,
  );
  return planCampaign({ ...settings, perLayer: pilot, allocation: 'equal', pilot: undefined, pilotSd: undefined });
}

/** Per layer name, the sd of "mattered" in each bit stratum, from the pilot's records (fed one by one). */
export function strataSd(plan: CampaignPlan): { add(r: InjectionRecord): void; sd(): Record<string, number[]> } {
  const bits = plan.strata!.weights.length;
  const tallies = new Map(
    plan.layers.map((l) => [l.name, { n: new Array<number>(bits).fill(0), hits: new Array<number>(bits).fill(0) }]),
  );
  return {
    add(r) {
      const t = tallies.get(r.layer)!;
      t.n[r.bit]!++;
      if (mattered(r)) t.hits[r.bit]!++;
    },
    sd: () => Object.fromEntries([...tallies].map(([name, t]) => [name, t.n.map((n, b) => pilotSd(t.hits[b]!, n))])),
  };
}

/** Runs (or resumes, or reuses) the Neyman pilot; returns per layer name the sd of "mattered" in each bit stratum. */
export async function runPilot(o: PilotOptions): Promise<Record<string, number[]>> {
  const fresh = pilotPlan(o.plan, o.pilot);
  const dir = join(o.dir, 'pilot');
  const path = join(dir, runFolderFiles.plan);
  if (existsSync(path)) {
    const old = readPlan(path);
    check(
      JSON.stringify(old.sites) === JSON.stringify(fresh.sites) &&
        old.rangeDetector === fresh.rangeDetector &&
        old.guard === fresh.guard,
      'bad_plan',
      () => `${path} was planned with other settings — delete ${dir} to re-run the pilot`,
    );
  } else writePlan(path, fresh);
  await runCampaign({
    classifier: o.plan.classifier,
    golden: o.plan.golden,
    plan: fresh,
    images: o.images,
    dir,
    threads: o.threads,
    quiet: o.quiet,
    activations: o.activations,
  });
  const sd = strataSd(fresh);
  forEachRecord(join(dir, runFolderFiles.faults), (r) => sd.add(r));
  return sd.sd();
}
