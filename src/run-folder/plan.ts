import { z } from 'zod';
import { datasetSchema } from './golden.js';
import { leftOutSchema } from './summary.js';
import { rateIntervalNames } from '../stats/rate-intervals.js';

/**
 * plan.json: a campaign's settings, then every site in execution order (faults/plan/plan.ts makes it). The schema
 * holds every field's type; faults/plan/plan-file.ts then checks what needs the registries or crosses fields (units
 * tiling the sites, sites inside their layer and format, strata sums).
 */

const count = z.number().int().min(0);

/** Bit strata of a stratified plan: `weights[b]` is bit b's share of the population uniform sampling draws from. */
export const planStrataSchema = z.object({
  weights: z.array(z.number().positive()),
  /** 'floor' (a --halfwidth round only): strata without hits at one floor, the rest ∝ W_h·√p̂_h (stats/halfwidth-size.ts). */
  allocation: z.enum(['equal', 'neyman', 'floor']),
  /** Neyman and floor only: pilot sites per layer the sd's (or rates) came from. */
  pilot: z.number().int().positive().optional(),
});

/** One layer of a plan: where its faults land and the range that bounds them. */
export const planLayerSchema = z.object({
  name: z.string(),
  /** Where faults land: the layer's output tensor (neurons) or its weight initializer (weights). */
  tensor: z.string(),
  /** Elements a site's index ranges over: neurons per image, or weight elements. */
  elements: z.number().int().min(1),
  /** Max |value| of what faults land in (activation profile or weights): the format context (int8 scale). */
  maxAbs: z.number(),
  /** The layer's profiled max |activation|: the range detector's bound. */
  bound: z.number(),
  /** Stratified plans: sites per bit position (index = bit), summing to the layer's sites. */
  perStratum: z.array(count).optional(),
  /** Sites of this layer when the plan sizes layers apart (`halfwidth`); else the plan's perLayer. */
  sites: count.optional(),
});

/** A run of sites that shares one golden forward pass over `images` (sorted dataset indices). */
export const planUnitSchema = z.object({
  start: count,
  end: count,
  /** Index into `groups`: the layers whose activations the unit caches. */
  group: count,
  images: z.array(z.number().int()),
});

/** Sites as columns, one entry per site id: layer (index into `layers`), image (dataset index), index, bit(s). */
export const planSitesSchema = z.object({
  layer: z.array(z.number().int()),
  image: z.array(z.number().int()),
  index: z.array(z.number().int()),
  bit: z.array(z.number().int()),
  /** Present for error models that touch other than one bit: every touched bit, per site. */
  bits: z.array(z.array(count)).optional(),
});

/** plan.json's shape (key order as the planner writes it, so a read plan serialises like a fresh one). */
export const planSchema = z.object({
  /**
   * The plan's own shape version from before the run-file header: plans of older tgr carry 1 and still read; tgr no
   * longer writes it (the header's version is the file's) and nothing reads it.
   */
  version: z.literal(1).optional(),
  model: z.object({ path: z.string(), sha256: z.string() }),
  dataset: datasetSchema,
  /** Sites per layer; a plan that sizes layers apart (`halfwidth`) holds its largest layer's here. */
  perLayer: z.number().int().min(1),
  /** The 99% half-width every layer's rates were sampled to, in rounds (faults/plan/rounds.ts); absent: fixed n. */
  halfwidth: z.number().positive().optional(),
  /**
   * With `halfwidth`: the nominal level γ ≥ 0.99 the rounds stopped on and every interval of the campaign is computed
   * at, so that the whole sequential procedure covers 99% (stats/sequential-level.ts); absent: 0.99.
   */
  level: z.number().min(0.99).lt(1).optional(),
  /**
   * With `halfwidth` and bit strata: the interval the rates were sampled to and are reported with (stats/rate-intervals.ts);
   * absent: Korn–Graubard.
   */
  interval: z.enum(rateIntervalNames).optional(),
  format: z.string(),
  errorModel: z.string(),
  target: z.enum(['neurons', 'weights']),
  seed: z.number().int(),
  rangeDetector: z.boolean(),
  /** The score guard (faults/run/guard.ts); plans of older tgr have none. */
  guard: z.enum(['none', 'analytic', 'profiled']).default('none'),
  /** Per-class bounds the scores are checked against (absent for 'none'). */
  guardBounds: z.array(z.number().positive()).min(1).optional(),
  /** `poolDeltaLossBound`: no undetected single fault moves an image's loss by more. */
  guardDeltaLossBound: z.number().min(0).optional(),
  /** 'bit': each bit position is a stratum (`strata`), sampled apart per layer (`perStratum`); older plans: 'none'. */
  stratify: z.enum(['none', 'bit']).default('none'),
  strata: planStrataSchema.optional(),
  /** Node names forming the model's last layer (summaries combine them). */
  lastLayers: z.array(z.string()),
  /** Conv/Gemm/MatMul nodes of the model that are not sites, with the reason (absent when there are none). */
  leftOut: z.array(leftOutSchema).optional(),
  /** Size of the pool images were drawn from. */
  pool: z.number().int().min(1),
  /** Most sites one suffix run takes. */
  batchSize: z.number().int().min(1),
  layers: z.array(planLayerSchema).min(1),
  /** Layers (indices into `layers`) whose suffix sessions are alive together; units run group by group. */
  groups: z.array(z.array(count)),
  units: z.array(planUnitSchema),
  sites: planSitesSchema,
});

/** Bit strata of a stratified plan. */
export type PlanStrata = z.infer<typeof planStrataSchema>;
/** One layer of a plan. */
export type PlanLayer = z.infer<typeof planLayerSchema>;
/** A run of sites sharing one golden forward pass. */
export type PlanUnit = z.infer<typeof planUnitSchema>;
/** A plan's sites as columns. */
export type PlanSites = z.infer<typeof planSitesSchema>;
/** A campaign plan as plan.json holds it. */
export type PlanFile = z.infer<typeof planSchema>;
