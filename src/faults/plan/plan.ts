import { numel } from '../../onnx/tensor.js';
import { cut } from '../../onnx/cut.js';
import { Rng } from '../../core/rng.js';
import { TgrError, check } from '../../core/errors.js';
import type { Classifier, ClassifierLayer } from '../model/classifier.js';
import { errorModel, type ErrorModel } from '../error-models/registry.js';
import { numberFormat, type NumberFormat } from '../formats/registry.js';
import { goldenPool } from '../run/golden.js';
import type { GoldenRun } from '../store/records.js';
import { planGuard } from '../run/guard.js';
import { allocate, bitStrata, minPerStratum, type Allocation, type PlanStrata, type Stratify } from './strata.js';
import type { PlanFile, PlanLayer } from '../../run-folder/plan.js';
import type { Target } from './targets.js';
import type { RateInterval } from '../../stats/rate-intervals.js';

// The targets live in their own module so the runner's files can name them without importing the planner.
export { targets, type Target } from './targets.js';

// plan.json's shape is its schema's (src/run-folder/plan.ts): the plan this module builds is what the file holds.
export type { PlanLayer, PlanSites, PlanUnit } from '../../run-folder/plan.js';

/**
 * A campaign plan: the settings, then every site in execution order. A site's id is its position, so ids order the
 * results of one run, of a resumed run and of merged shards identically. Sites are sampled per layer as DESIGN.md
 * says; they are then ordered so that sites on the same images sit together in units, whose golden activations are
 * computed once.
 */
export type CampaignPlan = PlanFile;

export interface PlanOptions {
  classifier: Classifier;
  golden: GoldenRun;
  perLayer: number;
  /** Layer names; default every injectable layer. */
  layers?: readonly string[];
  format?: string;
  errorModel?: string;
  target?: Target;
  seed?: number;
  rangeDetector?: boolean;
  /** The score guard (guard.ts; default 'none'). */
  guard?: string;
  batchSize?: number;
  /** Bytes of golden activations one unit may cache (default 512 MiB). */
  cacheBytes?: number;
  /** Fewest sites a unit should hold, memory permitting (default 2048; each unit ends in one fsync). */
  unitSites?: number;
  /** 'bit': sample each bit position apart, `allocation` deciding how many sites each gets (default 'none'). */
  stratify?: Stratify;
  /** Default 'equal'; 'neyman' needs `pilotSd` (pilot.ts runs the pilot). */
  allocation?: Allocation;
  /** Neyman: pilot sites per layer behind `pilotSd`, recorded in the plan. */
  pilot?: number;
  /** Neyman: per layer name, the pilot's sd of the outcome in each bit stratum. */
  pilotSd?: Readonly<Record<string, readonly number[]>>;
  /** A precision target (rounds.ts): the 99% half-width every layer's rates are sampled to, recorded in the plan. */
  halfwidth?: number;
  /** With `halfwidth`: the level the rounds stop on and the campaign's intervals use (rounds.ts), recorded in the plan. */
  level?: number;
  /** With `halfwidth` and bit strata: the interval the rounds size for and report (rounds.ts), recorded in the plan. */
  interval?: RateInterval;
  /**
   * With `halfwidth`: per layer name, the draws [from, to) of each stratum's stream this plan takes (one stratum for a
   * uniform plan), so the rounds of a campaign continue the same streams and their union is one sample.
   */
  draws?: Readonly<Record<string, LayerDraws>>;
}

/** The draws a plan takes from one layer's streams: stratum h's draws from[h] ≤ i < to[h]. */
export interface LayerDraws {
  from: readonly number[];
  to: readonly number[];
}

/** The settings a caller chooses for a plan (the rest of PlanOptions comes from the model and its golden run). */
export type PlanSettings = Pick<
  PlanOptions,
  | 'perLayer'
  | 'layers'
  | 'format'
  | 'errorModel'
  | 'target'
  | 'seed'
  | 'rangeDetector'
  | 'guard'
  | 'batchSize'
  | 'stratify'
  | 'allocation'
  | 'pilot'
  | 'halfwidth'
  | 'level'
> & {
  /** With `halfwidth`: top-up rounds after the pilot at most (rounds.ts). */
  maxRounds?: number;
};

/** Sites one plan may hold: each costs ~100 bytes while planning, so 10⁷ is about a gigabyte. */
export const maxPlanSites = 10_000_000;

/**
 * Samples a campaign: per layer, image uniformly from the pool, then element and bit(s) uniformly; seeded. Stratified
 * by bit, each bit b gets its allocated count of sites with image and element drawn as before and the bit fixed to b.
 */
export function planCampaign(opts: PlanOptions): CampaignPlan {
  const { classifier: clf, golden } = opts;
  const target = opts.target ?? 'neurons';
  const format = numberFormat(opts.format ?? 'fp32');
  const em = errorModel(opts.errorModel ?? 'bit-flip');
  const seed = opts.seed ?? 0;
  const batchSize = opts.batchSize ?? 128;
  check(
    Number.isInteger(opts.perLayer) && opts.perLayer > 0,
    'bad_argument',
    () => `--per-layer must be a positive whole number; got ${opts.perLayer}`,
  );
  check(
    Number.isInteger(batchSize) && batchSize > 0,
    'bad_argument',
    () => `--batch must be a positive whole number; got ${batchSize}`,
  );
  check(
    golden.model.sha256 === clf.sha256,
    'bad_file',
    () =>
      `golden.json was made for a model with sha256 ${golden.model.sha256.slice(0, 12)}…, but ${clf.file} has ${clf.sha256.slice(0, 12)}… — delete golden.json and re-run`,
  );
  const pool = goldenPool(golden);
  const accuracy = golden.preds.filter((p, i) => p === golden.labels[i]).length / golden.indices.length;
  check(
    pool.length > 0,
    'bad_data',
    () =>
      `golden.json: no image is classified correctly with Top2Diff > 0 (accuracy ${(accuracy * 100).toFixed(1)}% on ${golden.indices.length} images); nothing to inject into — check the model, the dataset and its normalisation`,
  );
  const chosen = selectLayers(clf, opts.layers, target);
  const perLayer = opts.draws ? drawnPerLayer(opts.draws, chosen) : opts.perLayer;
  const sites = perLayer * chosen.length;
  check(
    sites <= maxPlanSites,
    'bad_argument',
    () =>
      `--per-layer ${opts.perLayer} × ${chosen.length} layers = ${sites} sites; a plan holds at most ${maxPlanSites} in memory — lower --per-layer or pick fewer --layers`,
  );
  const layers = chosen.map((l) => planLayer(clf, golden, l, target));
  const strata = opts.draws ? drawnStrata(opts, format, em) : planStrata(opts, format, em);
  const base = `tgr-plan/${clf.sha256}/${golden.dataset.name}/${golden.dataset.split}/${format.name}/${em.name}/${target}/${seed}`;
  // Per-layer streams: choosing other layers or adding one leaves a layer's sites unchanged.
  const sampled = layers.map((l) => {
    if (opts.draws) return drawSites(`${base}/${l.name}/halfwidth`, l, opts.draws[l.name]!, strata, pool, em, format);
    if (!strata) {
      const rng = new Rng(`${base}/${l.name}/${opts.perLayer}`);
      return Array.from({ length: opts.perLayer }, () => ({
        image: pool[rng.int(pool.length)]!,
        index: rng.int(l.elements),
        bits: em.pickBits(rng, format).sort((a, b) => a - b),
      }));
    }
    l.perStratum = allocate(
      opts.perLayer,
      strata.weights,
      strata.allocation === 'neyman' ? pilotSdOf(opts, l) : undefined,
    );
    // One stream per (layer, bit): a stratum's sites do not depend on how many the other strata got.
    return l.perStratum.flatMap((count, bit) => {
      const rng = new Rng(`${base}/${l.name}/${opts.perLayer}/bit/${strata.allocation}/${bit}`);
      return Array.from({ length: count }, () => ({
        image: pool[rng.int(pool.length)]!,
        index: rng.int(l.elements),
        bits: [bit],
      }));
    });
  });
  const plan: CampaignPlan = {
    model: { path: clf.file, sha256: clf.sha256 },
    dataset: { ...golden.dataset },
    perLayer,
    ...(opts.halfwidth !== undefined ? { halfwidth: opts.halfwidth } : {}),
    ...(opts.level !== undefined ? { level: opts.level } : {}),
    ...(opts.interval !== undefined ? { interval: opts.interval } : {}),
    format: format.name,
    errorModel: em.name,
    target,
    seed,
    rangeDetector: opts.rangeDetector ?? false,
    ...planGuard(opts.guard, clf, golden),
    stratify: strata ? 'bit' : 'none',
    ...(strata ? { strata } : {}),
    lastLayers: [...clf.lastLayers],
    ...(clf.leftOut.length ? { leftOut: clf.leftOut.map((l) => ({ ...l })) } : {}),
    pool: pool.length,
    batchSize,
    layers,
    groups: layerGroups(clf, chosen),
    units: [],
    sites: { layer: [], image: [], index: [], bit: [] },
  };
  const multi = sampled.some((s) => s.some((x) => x.bits.length !== 1));
  if (multi) plan.sites.bits = [];
  const cache = opts.cacheBytes ?? 512 * 2 ** 20;
  for (const [gi, group] of plan.groups.entries()) {
    const perImage = group.reduce((s, li) => s + cachedBytesPerImage(clf, chosen[li]!, target), 0);
    const images = [...new Set(group.flatMap((li) => sampled[li]!.map((s) => s.image)))].sort((a, b) => a - b);
    // Enough images per unit that each layer gets about a batch of sites and a unit holds enough sites to make its
    // fsync cheap (analytic layers run ~30k sites/s; a fsync costs a few ms), as memory allows.
    const want = Math.ceil((Math.max(batchSize, (opts.unitSites ?? 2048) / group.length) * images.length) / perLayer);
    const chunk = Math.max(1, Math.min(want, Math.floor(cache / perImage)));
    for (let c = 0; c < images.length; c += chunk) {
      const unitImages = images.slice(c, c + chunk);
      const inUnit = new Set(unitImages);
      const start = plan.sites.layer.length;
      for (const li of group) {
        for (const s of sampled[li]!) {
          if (!inUnit.has(s.image)) continue;
          plan.sites.layer.push(li);
          plan.sites.image.push(s.image);
          plan.sites.index.push(s.index);
          plan.sites.bit.push(s.bits[0] ?? -1);
          plan.sites.bits?.push(s.bits);
        }
      }
      if (plan.sites.layer.length > start)
        plan.units.push({ start, end: plan.sites.layer.length, group: gi, images: unitImages });
    }
  }
  return plan;
}

/** Most sites a layer of a drawn plan takes (every chosen layer must have its draws, and some layer a site). */
function drawnPerLayer(draws: Readonly<Record<string, LayerDraws>>, chosen: readonly ClassifierLayer[]): number {
  const counts = chosen.map((l) => {
    const d = draws[l.name];
    check(d !== undefined, 'bad_argument', () => `a --halfwidth round has no draws for layer '${l.name}'`);
    return d.to.reduce((a, t, h) => a + t - d.from[h]!, 0);
  });
  const most = Math.max(...counts);
  check(most > 0, 'bad_argument', () => 'a --halfwidth round has no sites to draw');
  return most;
}

/** A drawn plan's strata: the bit strata (Neyman once a pilot round has run, equal in the pilot round) or none. */
function drawnStrata(opts: PlanOptions, format: NumberFormat, em: ErrorModel): PlanStrata | undefined {
  if ((opts.stratify ?? 'none') === 'none') return undefined;
  const weights = bitStrata(format, em);
  return opts.allocation === 'neyman' || opts.allocation === 'floor'
    ? { weights, allocation: opts.allocation, pilot: opts.pilot! }
    : { weights, allocation: 'equal' };
}

/**
 * One layer's sites of a drawn plan: per stratum its own stream (`base`/bit/b, or `base`/uniform), draws `from` to
 * `to`, the earlier draws skipped, so a stratum's i-th site is the same whichever round draws it.
 */
function drawSites(
  base: string,
  l: PlanLayer,
  d: LayerDraws,
  strata: PlanStrata | undefined,
  pool: readonly number[],
  em: ErrorModel,
  format: NumberFormat,
): { image: number; index: number; bits: number[] }[] {
  if (strata) l.perStratum = d.to.map((t, h) => t - d.from[h]!);
  l.sites = d.to.reduce((a, t, h) => a + t - d.from[h]!, 0);
  return d.to.flatMap((to, h) => {
    const rng = new Rng(strata ? `${base}/bit/${h}` : `${base}/uniform`);
    const out: { image: number; index: number; bits: number[] }[] = [];
    for (let i = 0; i < to; i++) {
      const site = {
        image: pool[rng.int(pool.length)]!,
        index: rng.int(l.elements),
        bits: strata ? [h] : em.pickBits(rng, format).sort((a, b) => a - b),
      };
      if (i >= d.from[h]!) out.push(site);
    }
    return out;
  });
}

/** Refuses an allocation that splits sites over bit strata (any but equal) on a plan without them, naming the flag. */
export function checkAllocationStrata(stratify: string, allocation: string | undefined): void {
  check(
    stratify !== 'none' || allocation === undefined || allocation === 'equal',
    'bad_argument',
    () => `--allocation ${allocation} splits a layer's sites over bit strata; add --stratify bit`,
  );
}

/** The plan's strata, or undefined for a uniform plan; checks the settings that only make sense together. */
function planStrata(opts: PlanOptions, format: NumberFormat, em: ErrorModel): PlanStrata | undefined {
  const stratify = opts.stratify ?? 'none';
  const allocation = opts.allocation ?? 'equal';
  check(
    stratify === 'none' || stratify === 'bit',
    'bad_argument',
    () => `--stratify expects none or bit; got '${String(stratify)}'`,
  );
  check(
    allocation !== 'floor',
    'bad_argument',
    () => '--allocation floor sizes the rounds of a --halfwidth campaign; add --halfwidth W or use equal or neyman',
  );
  check(
    allocation === 'equal' || allocation === 'neyman',
    'bad_argument',
    () => `--allocation expects equal, neyman or floor; got '${String(allocation)}'`,
  );
  if (stratify === 'none') {
    checkAllocationStrata(stratify, opts.allocation);
    return undefined;
  }
  const weights = bitStrata(format, em);
  if (allocation === 'equal') return { weights, allocation };
  check(
    opts.pilotSd && Number.isInteger(opts.pilot) && opts.pilot! > 0,
    'bad_argument',
    () =>
      `--allocation neyman needs a pilot: pass --pilot N (sites per layer, at least ${minPerStratum * weights.length})`,
  );
  return { weights, allocation, pilot: opts.pilot! };
}

function pilotSdOf(opts: PlanOptions, l: PlanLayer): readonly number[] {
  const sd = opts.pilotSd?.[l.name];
  check(
    sd !== undefined,
    'bad_argument',
    () => `the Neyman pilot has no sd for layer '${l.name}' — delete the campaign's pilot/ folder and re-run`,
  );
  return sd;
}

function selectLayers(clf: Classifier, names: readonly string[] | undefined, target: Target): ClassifierLayer[] {
  const usable = target === 'weights' ? clf.layers.filter((l) => l.weight) : clf.layers;
  if (!names || names.length === 0) return usable;
  return names.map((n) => {
    const l = usable.find((x) => x.name === n);
    if (!l) {
      const why =
        target === 'weights' && clf.layers.some((x) => x.name === n)
          ? ` has no constant weight;`
          : ' is not an injectable layer;';
      throw new TgrError(
        'unknown_name',
        `layer '${n}'${why} layers of ${clf.file}: ${usable.map((x) => x.name).join(', ')}`,
        { layer: n },
      );
    }
    return l;
  });
}

function planLayer(clf: Classifier, golden: GoldenRun, l: ClassifierLayer, target: Target): PlanLayer {
  const prof = golden.layers.find((p) => p.name === l.name);
  check(prof, 'bad_file', () => `golden.json has no profile for layer '${l.name}' — delete golden.json and re-run`);
  if (target === 'neurons')
    return { name: l.name, tensor: l.tensor, elements: l.neurons, maxAbs: prof.maxAbs, bound: prof.maxAbs };
  const w = clf.model.graph.initializers.get(l.weight!)!.data as Float32Array;
  let m = 0;
  for (const v of w) m = Math.max(m, Math.abs(v));
  return {
    name: l.name,
    tensor: l.weight!,
    elements: numel(clf.model.graph.initializers.get(l.weight!)!.dims),
    maxAbs: m,
    bound: prof.maxAbs,
  };
}

/** Bytes of golden activations one image needs for a layer: its output, what its suffix carries, its input for weights. */
function cachedBytesPerImage(clf: Classifier, l: ClassifierLayer, target: Target): number {
  const g = clf.model.graph;
  const perImage = (t: string) => {
    const v = g.valueInfo.get(t);
    return v ? numel(v.shape.map((d) => (typeof d === 'number' ? d : 1))) : 0;
  };
  const carried = cut(g, l.tensor).carried;
  return (
    4 *
    (perImage(l.tensor) + carried.reduce((s, t) => s + perImage(t), 0) + (target === 'weights' ? perImage(l.input) : 0))
  );
}

/** Layers in runs whose suffix sessions fit in memory together (by initializer bytes; 1 GiB each group). */
function layerGroups(clf: Classifier, layers: ClassifierLayer[]): number[][] {
  const budget = 2 ** 30;
  const groups: number[][] = [];
  let bytes = 0;
  layers.forEach((l, i) => {
    let b = 0;
    for (const t of cut(clf.model.graph, l.tensor).suffix.initializers.values()) b += t.data.byteLength;
    if (groups.length === 0 || bytes + b > budget) {
      groups.push([]);
      bytes = 0;
    }
    groups[groups.length - 1]!.push(i);
    bytes += b;
  });
  return groups;
}
