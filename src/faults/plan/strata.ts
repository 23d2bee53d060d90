import { check } from '../../core/errors.js';
import { neymanAllocation } from '../../stats/stratified.js';
import type { RateInterval } from '../../stats/rate-intervals.js';
import type { ErrorModel } from '../error-models/registry.js';
import type { NumberFormat } from '../formats/registry.js';

/** How a plan draws a layer's sites: uniformly (the paper's), or per bit position of the format. */
export const stratifications = {
  none: 'uniform, the paper’s',
  bit: 'each bit position a stratum of weight 1/width',
} as const;
export type Stratify = keyof typeof stratifications;

/**
 * How a stratified plan splits a layer's n over the bits: equally, ∝ W_h·sd_h from a pilot (Neyman), or — with
 * --halfwidth only, where it is the default — each round a floor for bits without hits and the rest ∝ W_h·√p̂_h,
 * reported with the interval it pays under (stats/rate-intervals.ts).
 */
export const allocations = {
  equal: 'default',
  neyman: '∝ each bit’s spread, from a pilot; with --halfwidth, every round, with Korn–Graubard intervals',
  floor: '--halfwidth only, its default: bits without hits at one floor, the rest ∝ √rate, Fay–Feuer intervals',
} as const;
export type Allocation = keyof typeof allocations;

/** A --halfwidth plan's top-up allocations, each with the interval its rates are sampled to and reported with. */
const halfwidthDesigns = { floor: 'fay-feuer', neyman: 'korn-graubard' } as const satisfies Partial<
  Record<Allocation, RateInterval>
>;

/** The interval a --halfwidth plan's rates are sampled to and reported with, by its allocation (default floor). */
export function halfwidthInterval(allocation: Allocation | undefined): RateInterval {
  return allocation === 'neyman' ? halfwidthDesigns.neyman : halfwidthDesigns.floor;
}

/** The top-up allocation of a --halfwidth campaign reported with `interval`. */
export function halfwidthAllocation(interval: RateInterval): keyof typeof halfwidthDesigns {
  return interval === halfwidthDesigns.neyman ? 'neyman' : 'floor';
}

/** The values `--stratify` and `--allocation` accept, in table order. */
export const stratifyChoices = Object.keys(stratifications) as Stratify[];
export const allocationChoices = Object.keys(allocations) as Allocation[];

/** A stratified plan's strata, as plan.json's schema defines them (`weights[b]`: bit b's population share). */
export type { PlanStrata } from '../../run-folder/plan.js';

/** Fewest sites a stratum gets: two, so that each stratum's variance can be estimated. */
export const minPerStratum = 2;

/**
 * The bit strata of a format under an error model: weight 1/width per bit (fp32: 32 strata of 1/32), exactly the
 * population a single uniformly drawn bit samples. A model touching several bits has no such strata.
 */
export function bitStrata(format: NumberFormat, em: ErrorModel): number[] {
  check(
    em.singleBit === true,
    'bad_argument',
    () =>
      `--stratify bit needs an error model that touches one uniformly drawn bit (bit-flip, stuck-at-0, stuck-at-1); '${em.name}' touches several — use --stratify none`,
  );
  check(
    Number.isInteger(format.bits) && format.bits > 0,
    'bad_argument',
    () => `--stratify bit needs a format of fixed bit width; ${format.name} has none — use --stratify none`,
  );
  return Array.from({ length: format.bits }, () => 1 / format.bits);
}

/**
 * A layer's n split over the strata: equal (n/width each, the remainder to the lowest bits) or Neyman from the
 * pilot's per-stratum sd; every stratum gets at least `minPerStratum`.
 */
export function allocate(n: number, weights: readonly number[], sd?: readonly number[]): number[] {
  check(
    n >= minPerStratum * weights.length,
    'bad_argument',
    () =>
      `--per-layer ${n} is too small for --stratify bit: ${weights.length} bit strata need at least ${minPerStratum} sites each (${minPerStratum * weights.length}) — raise --per-layer or use --stratify none`,
  );
  return neymanAllocation(
    n,
    weights.map((weight, b) => ({ weight, sd: sd ? sd[b]! : 1 })),
    minPerStratum,
  );
}
