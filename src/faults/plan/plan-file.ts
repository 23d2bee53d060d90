import { TgrError } from '../../core/errors.js';
import { errorModel } from '../error-models/registry.js';
import { numberFormat } from '../formats/registry.js';
import { readRunFile, writeRunFile } from '../../run-folder/run-file.js';
import type { PlanStrata } from '../../run-folder/plan.js';
import type { CampaignPlan } from './plan.js';
import type { Classifier } from '../model/classifier.js';
import { defaultRateInterval, type RateInterval } from '../../stats/rate-intervals.js';
import { defaultLevel } from '../../stats/stratified.js';

/** Writes plan.json (atomically, number columns on one line each), without the old shape version. */
export function writePlan(path: string, plan: CampaignPlan): void {
  const { version: _old, ...current } = plan;
  writeRunFile('plan', path, current);
}

/**
 * The level a campaign's intervals are computed at: the plan's `level` for a --halfwidth campaign (the calibrated γ),
 * else the paper's 99%.
 */
export function campaignLevel(plan: Pick<CampaignPlan, 'level'>): number {
  return plan.level ?? defaultLevel;
}

/** The interval a campaign's rates are reported with: the plan's `interval` (a --halfwidth plan's), else Korn–Graubard. */
export function campaignInterval(plan: Pick<CampaignPlan, 'interval'>): RateInterval {
  return plan.interval ?? defaultRateInterval;
}

/**
 * Reads and checks plan.json once, where it enters: every field's type through its schema (src/run-folder/plan.ts),
 * then what needs the registries or crosses fields — column lengths, units tiling the ids, every site inside its
 * layer and its format, strata sums. A damaged file is a one-line error, never a crash mid-campaign.
 */
export function readPlan(path: string): CampaignPlan {
  const { version: _old, ...p } = readRunFile('plan', path);
  const bad = (what: string): never => {
    throw new TgrError('bad_plan', `${path}: ${what} — re-create it with 'tgr plan'`, { path });
  };
  const fmt = wrap(() => numberFormat(p.format), bad);
  const em = wrap(() => errorModel(p.errorModel), bad);
  if (p.guard !== 'none') {
    if (!p.guardBounds) bad('guardBounds is not a list of positive numbers (one per class)');
    if (p.guardDeltaLossBound === undefined) bad('guardDeltaLossBound is not a non-negative number');
  }
  if (p.level !== undefined && p.halfwidth === undefined) bad('level is present but halfwidth is not');
  if (p.interval !== undefined && (p.halfwidth === undefined || p.stratify !== 'bit'))
    bad('interval is present but the plan is not a bit-stratified --halfwidth plan');
  const stratified = p.stratify === 'bit';
  if (stratified) checkStrata(p.strata, fmt.bits, em.singleBit === true, bad);
  else if (p.strata !== undefined) bad('strata is present but stratify is "none"');
  const layers = p.layers;
  layers.forEach((l, i) => {
    const per = l.perStratum;
    if (!stratified && per !== undefined) bad(`layers[${i}].perStratum is present but stratify is "none"`);
    const n = l.sites ?? p.perLayer;
    if (l.sites !== undefined && p.halfwidth === undefined) bad(`layers[${i}].sites is present but halfwidth is not`);
    if (stratified && !(per && per.length === fmt.bits && per.reduce((a, c) => a + c, 0) === n))
      bad(
        `layers[${i}].perStratum is not ${fmt.bits} whole numbers summing to ${l.sites === undefined ? 'perLayer' : 'its sites'} ${n}`,
      );
  });
  const s = p.sites;
  const n = s.layer.length;
  for (const k of ['image', 'index', 'bit'] as const)
    if (s[k].length !== n) bad(`sites.${k} has ${s[k].length} entries but sites.layer has ${n}`);
  if (s.bits !== undefined && (s.bits.length !== n || !s.bits.every((b) => b.every((x) => x < fmt.bits))))
    bad(`sites.bits is not one list of bits per site`);
  // Stratified: sites per (layer, bit), to hold against each layer's perStratum.
  const drawn = layers.map(() => new Array<number>(fmt.bits).fill(0));
  for (let i = 0; i < n; i++) {
    const li = s.layer[i]!;
    if (li < 0 || li >= layers.length) bad(`site ${i} names layer ${li}, but there are ${layers.length} layers`);
    const elements = layers[li]!.elements;
    if (s.index[i]! < 0 || s.index[i]! >= elements)
      bad(`site ${i} has index ${s.index[i]}, outside 0..${elements - 1}`);
    if (s.image[i]! < 0) bad(`site ${i} has image ${s.image[i]}`);
    if (s.bits === undefined && (s.bit[i]! < 0 || s.bit[i]! >= fmt.bits))
      bad(`site ${i} has bit ${s.bit[i]}, outside ${fmt.name}'s 0..${fmt.bits - 1}`);
    if (stratified) drawn[li]![s.bit[i]!]!++;
  }
  if (stratified)
    layers.forEach((l, li) => {
      const want = l.perStratum!;
      const b = want.findIndex((c, bit) => c !== drawn[li]![bit]);
      if (b >= 0)
        bad(`layers[${li}].perStratum[${b}] is ${want[b]} but the plan has ${drawn[li]![b]} sites on that bit`);
    });
  if (!p.groups.every((g) => g.every((li) => li < layers.length)))
    bad('groups is not a list of lists of layer positions');
  let next = 0;
  p.units.forEach((u, i) => {
    if (u.start !== next || u.end <= next) bad(`units[${i}] does not continue at site ${next}`);
    if (u.group >= p.groups.length) bad(`units[${i}].group is not a group position`);
    next = u.end;
  });
  if (next !== n) bad(`units cover sites 0..${next - 1} but there are ${n} sites`);
  return p;
}

/** Checks that a plan belongs to this model: same bytes (sha256) and layers that exist. */
export function checkPlanModel(plan: CampaignPlan, clf: Classifier, path: string): void {
  if (plan.model.sha256 !== clf.sha256) {
    throw new TgrError(
      'bad_plan',
      `${path} was made for a model with sha256 ${plan.model.sha256.slice(0, 12)}…, but ${clf.file} has ${clf.sha256.slice(0, 12)}… — re-plan with 'tgr plan'`,
    );
  }
  for (const l of plan.layers) {
    if (!clf.layers.some((x) => x.name === l.name)) {
      throw new TgrError(
        'bad_plan',
        `${path}: layer '${l.name}' is not in ${clf.file}; layers: ${clf.layers.map((x) => x.name).join(', ')}`,
      );
    }
  }
}

/** A stratified plan's `strata`: one weight per bit summing to 1, and a pilot size exactly for Neyman allocation. */
function checkStrata(s: PlanStrata | undefined, width: number, singleBit: boolean, bad: (what: string) => never): void {
  if (!s) return bad('stratify is "bit" but strata is missing');
  if (!singleBit) bad('stratify is "bit" but the error model touches several bits');
  if (s.weights.length !== width || Math.abs(s.weights.reduce((a, x) => a + x, 0) - 1) > 1e-9)
    bad(`strata.weights is not ${width} positive weights summing to 1`);
  if ((s.allocation !== 'equal') !== (s.pilot !== undefined))
    bad(`strata.pilot is ${JSON.stringify(s.pilot)}; expected a whole number for Neyman or floor allocation only`);
}

function wrap<T>(fn: () => T, bad: (what: string) => never): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TgrError) return bad(e.message);
    throw e;
  }
}
