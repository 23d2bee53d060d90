import { TgrError } from '../../core/errors.js';
import { errorModel } from '../error-models/registry.js';
import { numberFormat } from '../formats/registry.js';
import { readJsonFile, writeCompactJson } from '../store/json-file.js';
import type { CampaignPlan } from './plan.js';
import type { Classifier } from '../model/classifier.js';
import { guardKinds, type GuardKind } from '../run/guard.js';

/** Writes plan.json (atomically, number columns on one line each). */
export function writePlan(path: string, plan: CampaignPlan): void {
  writeCompactJson(path, plan);
}

/**
 * Reads and checks plan.json once, where it enters: every field's type, column lengths, units tiling the ids, and
 * every site inside its layer and its format. A damaged file is a one-line error, never a crash mid-campaign.
 */
export function readPlan(path: string): CampaignPlan {
  const p = readJsonFile(path, "'tgr plan'") as Record<string, unknown>;
  const bad = (what: string): never => {
    throw new TgrError('bad_plan', `${path}: ${what} — re-create it with 'tgr plan'`, { path });
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isInt = (v: unknown, min = 0): v is number => Number.isInteger(v) && (v as number) >= min;
  const ints = (v: unknown, what: string): number[] =>
    Array.isArray(v) && v.every((x) => isInt(x, -1)) ? v : bad(`${what} is not a list of whole numbers`);
  if (!isObj(p)) return bad('not a plan object');
  if (p.version !== 1) bad(`version is ${JSON.stringify(p.version)}; this tgr reads version 1`);
  const str = (o: unknown, k: string, where: string) =>
    isObj(o) && typeof o[k] === 'string' ? (o[k] as string) : bad(`${where}.${k} is missing or not a string`);
  str(p.model, 'sha256', 'model');
  str(p.model, 'path', 'model');
  str(p.dataset, 'name', 'dataset');
  str(p.dataset, 'split', 'dataset');
  for (const k of ['perLayer', 'seed', 'pool', 'batchSize'] as const)
    if (!isInt(p[k], k === 'seed' ? -(2 ** 52) : 1)) bad(`${k} is ${JSON.stringify(p[k])}; expected a whole number`);
  if (p.target !== 'neurons' && p.target !== 'weights')
    bad(`target is ${JSON.stringify(p.target)}; expected "neurons" or "weights"`);
  if (typeof p.rangeDetector !== 'boolean') bad('rangeDetector is not true/false');
  readGuard(p, bad);
  if (!Array.isArray(p.lastLayers) || !p.lastLayers.every((x) => typeof x === 'string'))
    bad('lastLayers is not a list of layer names');
  const fmt = wrap(() => numberFormat(str(p, 'format', 'plan')), bad);
  const em = wrap(() => errorModel(str(p, 'errorModel', 'plan')), bad);
  p.stratify ??= 'none'; // plans written before stratification are uniform
  if (p.stratify !== 'none' && p.stratify !== 'bit')
    bad(`stratify is ${JSON.stringify(p.stratify)}; expected "none" or "bit"`);
  const stratified = p.stratify === 'bit';
  if (stratified) checkStrata(p.strata, fmt.bits, em.singleBit === true, bad);
  else if (p.strata !== undefined) bad('strata is present but stratify is "none"');
  if (!Array.isArray(p.layers) || p.layers.length === 0) bad('layers is not a non-empty list');
  const layers = p.layers as unknown[];
  layers.forEach((l, i) => {
    if (
      !isObj(l) ||
      typeof l.name !== 'string' ||
      typeof l.tensor !== 'string' ||
      !isInt(l.elements, 1) ||
      typeof l.maxAbs !== 'number' ||
      typeof l.bound !== 'number'
    ) {
      bad(`layers[${i}] is not {name, tensor, elements, maxAbs, bound}`);
    }
    const per = (l as Record<string, unknown>).perStratum;
    if (!stratified && per !== undefined) bad(`layers[${i}].perStratum is present but stratify is "none"`);
    if (
      stratified &&
      !(
        Array.isArray(per) &&
        per.length === fmt.bits &&
        per.every((c) => isInt(c)) &&
        per.reduce((a: number, c: number) => a + c, 0) === p.perLayer
      )
    )
      bad(`layers[${i}].perStratum is not ${fmt.bits} whole numbers summing to perLayer ${p.perLayer as number}`);
  });
  const s = p.sites;
  if (!isObj(s)) return bad('sites is missing');
  const cols = {
    layer: ints(s.layer, 'sites.layer'),
    image: ints(s.image, 'sites.image'),
    index: ints(s.index, 'sites.index'),
    bit: ints(s.bit, 'sites.bit'),
  };
  const n = cols.layer.length;
  for (const [k, v] of Object.entries(cols))
    if (v.length !== n) bad(`sites.${k} has ${v.length} entries but sites.layer has ${n}`);
  if (
    s.bits !== undefined &&
    (!Array.isArray(s.bits) ||
      s.bits.length !== n ||
      !s.bits.every((b) => Array.isArray(b) && b.every((x) => isInt(x) && x < fmt.bits)))
  ) {
    bad(`sites.bits is not one list of bits per site`);
  }
  // Stratified: sites per (layer, bit), to hold against each layer's perStratum.
  const drawn = layers.map(() => new Array<number>(fmt.bits).fill(0));
  for (let i = 0; i < n; i++) {
    const li = cols.layer[i]!;
    if (li < 0 || li >= layers.length) bad(`site ${i} names layer ${li}, but there are ${layers.length} layers`);
    const elements = (layers[li] as { elements: number }).elements;
    if (cols.index[i]! < 0 || cols.index[i]! >= elements)
      bad(`site ${i} has index ${cols.index[i]}, outside 0..${elements - 1}`);
    if (cols.image[i]! < 0) bad(`site ${i} has image ${cols.image[i]}`);
    if (s.bits === undefined && (cols.bit[i]! < 0 || cols.bit[i]! >= fmt.bits))
      bad(`site ${i} has bit ${cols.bit[i]}, outside ${fmt.name}'s 0..${fmt.bits - 1}`);
    if (stratified) drawn[li]![cols.bit[i]!]!++;
  }
  if (stratified)
    layers.forEach((l, li) => {
      const want = (l as { perStratum: number[] }).perStratum;
      const b = want.findIndex((c, bit) => c !== drawn[li]![bit]);
      if (b >= 0)
        bad(`layers[${li}].perStratum[${b}] is ${want[b]} but the plan has ${drawn[li]![b]} sites on that bit`);
    });
  if (
    !Array.isArray(p.groups) ||
    !p.groups.every((g) => Array.isArray(g) && g.every((li) => isInt(li) && li < layers.length))
  ) {
    bad('groups is not a list of lists of layer positions');
  }
  if (!Array.isArray(p.units)) bad('units is not a list');
  let next = 0;
  (p.units as unknown[]).forEach((u, i) => {
    if (!isObj(u) || !isInt(u.start) || !isInt(u.end) || u.start !== next || (u.end as number) <= next)
      bad(`units[${i}] does not continue at site ${next}`);
    if (
      !isInt((u as Record<string, unknown>).group) ||
      (u as { group: number }).group >= (p.groups as unknown[]).length
    )
      bad(`units[${i}].group is not a group position`);
    ints((u as Record<string, unknown>).images, `units[${i}].images`);
    next = (u as { end: number }).end;
  });
  if (next !== n) bad(`units cover sites 0..${next - 1} but there are ${n} sites`);
  return p as unknown as CampaignPlan;
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

/** A stratified plan's `strata`: one positive weight per bit summing to 1, and how the sites were allocated. */
function checkStrata(strata: unknown, width: number, singleBit: boolean, bad: (what: string) => never): void {
  const s = strata as { weights?: unknown; allocation?: unknown; pilot?: unknown } | undefined;
  if (typeof s !== 'object' || s === null) return bad('stratify is "bit" but strata is missing');
  if (!singleBit) bad('stratify is "bit" but the error model touches several bits');
  const w = s.weights;
  if (
    !Array.isArray(w) ||
    w.length !== width ||
    !w.every((x) => typeof x === 'number' && x > 0) ||
    Math.abs(w.reduce((a: number, x: number) => a + x, 0) - 1) > 1e-9
  )
    bad(`strata.weights is not ${width} positive weights summing to 1`);
  if (s.allocation !== 'equal' && s.allocation !== 'neyman')
    bad(`strata.allocation is ${JSON.stringify(s.allocation)}; expected "equal" or "neyman"`);
  if (s.allocation === 'neyman' ? !(Number.isInteger(s.pilot) && (s.pilot as number) > 0) : s.pilot !== undefined)
    bad(`strata.pilot is ${JSON.stringify(s.pilot)}; expected a whole number for Neyman allocation only`);
}

/** The guard fields (guard.ts): absent in plans of older tgr, which had none. */
function readGuard(p: Record<string, unknown>, bad: (what: string) => never): void {
  p.guard ??= 'none';
  if (!guardKinds.includes(p.guard as GuardKind))
    bad(`guard is ${JSON.stringify(p.guard)}; expected one of ${guardKinds.join(', ')}`);
  if (p.guard === 'none') return;
  const b = p.guardBounds;
  if (!Array.isArray(b) || b.length === 0 || !b.every((x) => typeof x === 'number' && x > 0))
    bad('guardBounds is not a list of positive numbers (one per class)');
  if (typeof p.guardDeltaLossBound !== 'number' || !(p.guardDeltaLossBound >= 0))
    bad('guardDeltaLossBound is not a non-negative number');
}

function wrap<T>(fn: () => T, bad: (what: string) => never): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TgrError) return bad(e.message);
    throw e;
  }
}
