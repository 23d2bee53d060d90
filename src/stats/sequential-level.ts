import { clopperPearson } from './clopper-pearson.js';
import { lowestRungReaching, roundTop, rungsBetween } from './total-ladder.js';

/*
 * The level a sequential (`--halfwidth`) procedure must stop and report at for its final interval to cover 99%
 * (Frey 2010). The stopping point depends on the data, so intervals at the nominal 99% cover a little less; here every
 * path of the rule on one stratum — pilot draws, then the totals nextCounts plans, until the half-width at level γ is
 * reached, the cap or the rounds are spent — is enumerated with its binomial probability (no sampling), and γ is the
 * smallest level (to 1e-4) whose procedure covers ≥ 99% at every p of a grid plus a refinement around the worst p.
 * Why a grid and which: docs/ARCHITECTURE.md, "Planning for a precision".
 */

/**
 * A one-stratum sequential procedure: the pilot, the target half-width, top-up rounds, the cap, a round's least growth
 * and, when set, its most (TopUpLimits).
 */
export interface SequentialSetting {
  pilot: number;
  halfwidth: number;
  maxRounds: number;
  cap: number;
  growth: number;
  maxGrowth?: number;
}

/** The procedure's exact coverage at one p: `mass` is the probability enumerated (paths below 1e-13 pruned). */
export interface Coverage {
  cover: number;
  mass: number;
  meanN: number;
}

/** Paths less likely than this are dropped; the mass check bounds what they could move. */
const prune = 1e-13;

/** Work left to a calibration, in terms summed; a Clopper–Pearson interval counts as `intervalCost`. */
export interface Budget {
  left: number;
}

/** What one Clopper–Pearson interval (two beta quantiles) costs against a term of the enumeration. */
const intervalCost = 1000;

/**
 * Array elements one rule may make (decision blocks and state windows, which grow with √cap, not cap): past this
 * (about 200 MB) it stops as if out of budget.
 */
const maxElements = 25_000_000;

/** Decisions are remembered in blocks of this many hit counts, so a total keeps only the x its paths reach. */
const blockBits = 6;
const blockSize = 1 << blockBits;

/** Thrown when an enumeration runs out of its budget. */
export class OverBudget extends Error {}

/** Takes `work` from the budget, or throws OverBudget when none is left. */
function spend(budget: Budget, work: number): void {
  budget.left -= work;
  if (budget.left < 0) throw new OverBudget('the enumeration ran out of its budget');
}

/**
 * The rule at one level, remembered per state (n draws, x hits): its next total, or 0 to stop. That does not depend
 * on p, so one rule serves every p of a grid.
 */
export class SequentialRule {
  /** Decision blocks keyed by n·2²⁴ + ⌊x/blockSize⌋ (x < 2²⁴·blockSize, far past any cap). */
  private readonly blocks = new Map<number, Int32Array>();
  private readonly pool = new Map<number, Float64Array[]>();
  private elements = 0;
  private readonly thresholds = new Map<number, { lo: number; hi: number }>();
  readonly logFactorial: Float64Array;

  constructor(
    readonly setting: SequentialSetting,
    readonly level: number,
    readonly budget: Budget = { left: Infinity },
    /** Binomial terms by rate: they do not depend on the level, so the rules of one calibration share them. */
    readonly terms: TermCache = new TermCache(),
  ) {
    const top = Math.max(setting.cap, setting.pilot);
    this.logFactorial = new Float64Array(top + 1);
    for (let i = 1; i <= top; i++) this.logFactorial[i] = this.logFactorial[i - 1]! + Math.log(i);
  }

  /**
   * The total of the next round from (n, x), or 0 to stop: nextCounts's decision for one stratum and one rate, step for
   * step (its probes of the ladder), with its half-width test answered through `reaches` — the test asserts
   * the two agree.
   */
  topUp(n: number, x: number): number {
    const block = this.block(n, x >> blockBits);
    const i = x & (blockSize - 1);
    if (block[i]! < 0) block[i] = this.decide(n, x);
    return block[i]!;
  }

  /** The decisions remembered at total n for x in [k·blockSize, (k+1)·blockSize) (−1: not decided yet). */
  private block(n: number, k: number): Int32Array {
    const key = n * 0x1000000 + k;
    let block = this.blocks.get(key);
    if (!block) {
      this.allocate(blockSize);
      this.blocks.set(key, (block = new Int32Array(blockSize).fill(-1)));
    }
    return block;
  }

  /** A zeroed array of `length` probabilities, reused across rounds and p (the enumeration's arrays are many). */
  take(length: number): Float64Array {
    const free = this.pool.get(length)?.pop();
    if (free) return free;
    this.allocate(length);
    return new Float64Array(length);
  }

  /** Counts array elements made, and stops the enumeration (OverBudget) past `maxElements`. */
  private allocate(elements: number): void {
    this.elements += elements;
    if (this.elements > maxElements) throw new OverBudget('the enumeration ran out of memory');
  }

  /** Gives back an array whose non-zero entries all lie at indices [lo, hi]. */
  give(probs: Float64Array, lo: number, hi: number): void {
    if (lo <= hi) probs.fill(0, lo, hi + 1);
    let free = this.pool.get(probs.length);
    if (!free) this.pool.set(probs.length, (free = []));
    free.push(probs);
  }

  private decide(n: number, x: number): number {
    const { cap, growth, maxGrowth } = this.setting;
    if (n >= cap || this.reaches(n, x)) return 0;
    // One stratum: topUpCounts's countsAt(t) is t and the projected hits x·t/n.
    const at = (t: number) => this.reaches(t, (x * t) / n);
    const floor = Math.max(1, Math.ceil(n * growth));
    const to = lowestRungReaching(floor, roundTop(n, floor, cap, maxGrowth), at);
    return to > n ? to : 0;
  }

  /**
   * The band [lo, hi] (at most 1e-3 wide) around the hits y* at which t draws' half-width crosses the target, given
   * that 0 hits reach it (excess ≤ 0) and t/2 do not: regula falsi with the Illinois step, which needs a handful of
   * intervals where bisection needs twenty.
   */
  private threshold(t: number, excess: (y: number) => number, at0: number, atHalf: number): { lo: number; hi: number } {
    let [a, fa, b, fb] = [0, at0, t / 2, atHalf];
    let side = 0;
    while (b - a > 1e-3) {
      let c = b - (fb * (b - a)) / (fb - fa);
      // Near the root a step can stall against one end: then step just past it, which closes the band.
      if (!(c > a + 2e-4 && c < b - 2e-4)) c = c - a < b - c ? a + 4e-4 : b - 4e-4;
      if (!(c > a && c < b)) c = (a + b) / 2;
      const fc = excess(c);
      if (fc <= 0) {
        [a, fa] = [c, fc];
        if (side === -1) fb /= 2;
        side = -1;
      } else {
        [b, fb] = [c, fc];
        if (side === 1) fa /= 2;
        side = 1;
      }
    }
    return { lo: a, hi: b };
  }

  /**
   * Whether y hits of t reach the target half-width at the rule's level. Clopper–Pearson's width grows as y nears t/2,
   * so per t one threshold y* answers every y outside a narrow band around it; inside the band (and to find y*) the
   * interval itself is computed.
   */
  reaches(t: number, y: number): boolean {
    let band = this.thresholds.get(t);
    if (!band) {
      const excess = (v: number) => this.excess(t, v);
      const atHalf = excess(t / 2);
      const at0 = atHalf <= 0 ? 0 : excess(0);
      if (atHalf <= 0) band = { lo: t / 2, hi: t / 2 };
      else if (at0 > 0) band = { lo: -1, hi: 0 };
      else band = this.threshold(t, excess, at0, atHalf);
      this.thresholds.set(t, band);
    }
    const v = Math.min(y, t - y);
    if (v <= band.lo) return true;
    if (v >= band.hi) return false;
    return this.excess(t, y) <= 0;
  }

  /** How far the half-width of y hits in t at the rule's level lies above the target (≤ 0: reached). */
  private excess(t: number, y: number): number {
    spend(this.budget, intervalCost);
    const e = clopperPearson(y, t, this.level);
    return (e.upper - e.lower) / 2 - this.setting.halfwidth;
  }
}

/**
 * The k around the mode of Binomial(m, p) whose term C(m, k)·p^k·(1−p)^(m−k) is at least `least`, [from, to], each
 * term written to `into[k]` when given. The mode's term comes from log-factorials, the others by the ratio of
 * neighbours (a multiply and a divide where exp would cost ten times that; the relative error stays far below the
 * pruning's).
 */
function walkTerms(
  rule: SequentialRule,
  m: number,
  p: number,
  least: number,
  into?: Float64Array,
): { from: number; to: number; mode: number } {
  const lf = rule.logFactorial;
  const mode = Math.min(m, Math.floor((m + 1) * p));
  const top = Math.exp(lf[m]! - lf[mode]! - lf[m - mode]! + mode * Math.log(p) + (m - mode) * Math.log1p(-p));
  const odds = p / (1 - p);
  if (into) into[mode] = top;
  let from = mode;
  for (let k = mode, v = top; k > 0; k--) {
    v *= k / ((m - k + 1) * odds);
    if (!(v >= least)) break;
    from = k - 1;
    if (into) into[from] = v;
  }
  let to = mode;
  for (let k = mode, v = top; k < m; k++) {
    v *= ((m - k) * odds) / (k + 1);
    if (!(v >= least)) break;
    to = k + 1;
    if (into) into[to] = v;
  }
  return { from, to, mode };
}

/** Scratch for binomialTerms, indexed by k and grown to the largest m seen (one walk's terms before they are cut out). */
let scratch = new Float64Array(0);

/** The terms walkTerms keeps: [first k, values, index of the mode]. */
function binomialTerms(rule: SequentialRule, m: number, p: number, least: number): Pmf {
  if (scratch.length < m + 1) scratch = new Float64Array(Math.max(m + 1, 2 * scratch.length));
  const { from, to, mode } = walkTerms(rule, m, p, least, scratch);
  return { from, values: scratch.slice(from, to + 1), mode: mode - from };
}

/** The k range binomialTerms keeps, without its values: [first k, count]. */
function binomialWindow(rule: SequentialRule, m: number, p: number, least: number): { from: number; length: number } {
  const { from, to } = walkTerms(rule, m, p, least);
  return { from, length: to - from + 1 };
}

/** C(m, k)·p^k·(1−p)^(m−k) for the k where it is at least `prune`: [first k, values, index of the mode]. */
function pmf(rule: SequentialRule, m: number, p: number): Pmf {
  return binomialTerms(rule, m, p, prune);
}

/**
 * Per rate, the binomial terms and state windows sequentialCoverage has made (they depend on p and m only, not on the
 * level), up to `maxElements` terms kept (past it a rate's new terms are made again when needed).
 */
export class TermCache {
  private readonly byRate = new Map<number, RateTerms>();
  private elements = 0;

  /** The terms kept for rate p. */
  at(p: number): RateTerms {
    let t = this.byRate.get(p);
    if (!t) this.byRate.set(p, (t = { pmfs: new Map(), windows: new Map() }));
    return t;
  }

  /** Keeps `d` as the terms of m draws at the rate of `t`, while there is room. */
  keep(t: RateTerms, m: number, d: Pmf): void {
    if (this.elements + d.values.length > maxElements) return;
    this.elements += d.values.length;
    t.pmfs.set(m, d);
  }
}

interface RateTerms {
  pmfs: Map<number, Pmf>;
  windows: Map<number, { from: number; length: number }>;
}

interface Pmf {
  from: number;
  values: Float64Array;
  mode: number;
  /** Running sums of `values`, made when a stop at this total needs its tails. */
  cumulative?: Float64Array;
}

/**
 * Whether the Clopper–Pearson interval of x hits in n at the rule's level holds p, through its duality with the
 * binomial tails (its lower end is the p where P(X ≥ x) = α/2, its upper the p where P(X ≤ x) = α/2): p ≥ lower iff
 * P_p(X ≥ x) ≥ α/2 and p ≤ upper iff P_p(X ≤ x) ≥ α/2. The tails come from the pruned pmf, so they can only fall
 * short (a cover counted as a miss), never the other way.
 */
function covers(d: Pmf, x: number, halfAlpha: number): boolean {
  let c = d.cumulative;
  if (!c) {
    c = d.cumulative = new Float64Array(d.values.length);
    let sum = 0;
    for (let i = 0; i < c.length; i++) c[i] = sum += d.values[i]!;
  }
  const last = c.length - 1;
  const atMost = x < d.from ? 0 : c[Math.min(x - d.from, last)]!;
  const below = x - 1 < d.from ? 0 : c[Math.min(x - 1 - d.from, last)]!;
  return atMost >= halfAlpha && c[last]! - below >= halfAlpha;
}

/**
 * One round's states at one total n: the probability of x hits at probs[x − offset], and the range of x that holds
 * any. The window is where P(X_n = x) ≥ prune/2 for the stream's first n draws: a state's probability is at most that
 * (its paths' first n draws hold x hits), and spread adds only terms ≥ prune, so every term lands inside it and a
 * window grows with √n, not n.
 */
interface States {
  probs: Float64Array;
  offset: number;
  lo: number;
  hi: number;
}

/**
 * Adds pr × the pmf shifted by x into `into`, only the terms of at least `prune` (the pmf falls away from its mode)
 * that fall in its window (all of them, by its bound; one outside would be dropped, a miss, never a cover).
 */
function spread(into: States, pr: number, x: number, d: Pmf): number {
  const least = prune / pr;
  const v = d.values;
  const probs = into.probs;
  const base = x + d.from - into.offset;
  const iMin = Math.max(0, -base);
  const iMax = Math.min(v.length, probs.length - base) - 1;
  const down = Math.min(d.mode, iMax);
  let i = down;
  for (; i >= iMin && v[i]! >= least; i--) probs[base + i]! += pr * v[i]!;
  const first = i + 1;
  const up = Math.max(d.mode + 1, iMin);
  let j = up;
  for (; j <= iMax && v[j]! >= least; j++) probs[base + j]! += pr * v[j]!;
  const [downCount, upCount] = [Math.max(0, down - first + 1), Math.max(0, j - up)];
  if (downCount + upCount > 0) {
    const at = x + d.from;
    into.lo = Math.min(into.lo, at + (downCount > 0 ? first : up));
    into.hi = Math.max(into.hi, at + (upCount > 0 ? j - 1 : down));
  }
  return downCount + upCount;
}

/**
 * Exact coverage at p of the interval reported where the rule stops, and the mean final n, over every path with its
 * binomial probability (paths below 1e-13 pruned and counted as misses, so `cover` is a lower bound; `mass` says how
 * much was kept). The terms summed are spent from the rule's budget.
 */
export function sequentialCoverage(p: number, rule: SequentialRule): Coverage {
  const s = rule.setting;
  const atP = rule.terms.at(p);
  const { pmfs, windows } = atP;
  const local = new Map<number, Pmf>();
  const pmfOf = (m: number) => {
    let d = pmfs.get(m) ?? local.get(m);
    if (!d) {
      d = pmf(rule, m, p);
      local.set(m, d);
      rule.terms.keep(atP, m, d);
    }
    return d;
  };
  const statesAt = (n: number): States => {
    let w = windows.get(n);
    if (!w) windows.set(n, (w = binomialWindow(rule, n, p, prune / 2)));
    return { probs: rule.take(w.length), offset: w.from, lo: Infinity, hi: -1 };
  };
  const pilot = pmfOf(s.pilot);
  const first: States = {
    probs: rule.take(pilot.values.length),
    offset: pilot.from,
    lo: pilot.from,
    hi: pilot.from + pilot.values.length - 1,
  };
  first.probs.set(pilot.values);
  let states = new Map<number, States>([[s.pilot, first]]);
  const halfAlpha = (1 - rule.level) / 2;
  let cover = 0;
  let mass = 0;
  let meanN = 0;
  for (let round = 0; states.size > 0; round++) {
    const next = new Map<number, States>();
    for (const [n, { probs, offset, lo, hi }] of states) {
      for (let x = lo; x <= hi; x++) {
        const pr = probs[x - offset]!;
        if (pr === 0) continue;
        const to = round >= s.maxRounds ? 0 : rule.topUp(n, x);
        if (to === 0) {
          mass += pr;
          meanN += pr * n;
          if (covers(pmfOf(n), x, halfAlpha)) cover += pr;
          continue;
        }
        let into = next.get(to);
        if (!into) next.set(to, (into = statesAt(to)));
        spend(rule.budget, spread(into, pr, x, pmfOf(to - n)));
      }
      rule.give(probs, lo - offset, hi - offset);
    }
    states = next;
  }
  return { cover, mass, meanN };
}

/** The target coverage: the paper's 99%. */
export const targetCoverage = 0.99;

/**
 * The grid of p the calibration checks: p = sin²θ for θ evenly spaced in (0, π/4], i.e. (0, ½] — the rule and
 * Clopper–Pearson are symmetric in p ↔ 1 − p — denser near 0, where a small target's intervals live.
 */
export function coverageGrid(points: number): number[] {
  return Array.from({ length: points }, (_, i) => Math.sin((Math.PI / 4) * ((i + 1) / points)) ** 2);
}

/**
 * The lowest coverage over the rates `grid` (sorted), refined between the worst one's neighbours; `lowest` holds the
 * rates of the `keep` lowest coverages seen, where the next level's dips are likely to be.
 */
export function worstCoverage(
  rule: SequentialRule,
  grid: readonly number[],
  refine = 32,
  keep = 0,
): { p: number; cover: number; lowest: number[] } {
  const seen: { p: number; cover: number }[] = [];
  const at = (p: number) => {
    const cover = sequentialCoverage(p, rule).cover;
    seen.push({ p, cover });
    return cover;
  };
  let worst = { p: NaN, cover: Infinity, i: -1 };
  grid.forEach((p, i) => {
    const c = at(p);
    if (c < worst.cover) worst = { p, cover: c, i };
  });
  const lo = worst.i > 0 ? grid[worst.i - 1]! : grid[0]! / 2;
  const hi = worst.i < grid.length - 1 ? grid[worst.i + 1]! : Math.min(0.5, 2 * grid[worst.i]! - lo);
  for (let j = 1; j < refine; j++) {
    const p = lo + ((hi - lo) * j) / refine;
    const c = at(p);
    if (c < worst.cover) worst = { p, cover: c, i: worst.i };
  }
  const lowest = seen
    .sort((a, b) => a.cover - b.cover)
    .slice(0, keep)
    .map((x) => x.p);
  return { p: worst.p, cover: worst.cover, lowest };
}

/** How a level was chosen: by enumeration (with the worst p found), or the fallback when enumerating costs too much. */
export interface CalibratedLevel {
  level: number;
  method: 'enumerated' | 'bonferroni';
  /** Enumerated only: the worst coverage at `level` and where. */
  worst?: { p: number; cover: number };
  /** The work the calibration did, in the budget's units. */
  work: number;
}

/**
 * The work one calibration may do before it gives up for the fallback, in terms summed (a Clopper–Pearson interval
 * counts as `intervalCost` terms): about a second on this machine (docs/ARCHITECTURE.md). Counted, not timed, so the
 * level a plan gets does not depend on the machine's load.
 */
export const defaultBudget = 600_000_000;

/**
 * The most distinct totals the rule can stop at: the pilot, and with top-ups every rung of the ladder from the pilot's
 * first top-up (×growth) below the cap, and the cap.
 */
export function possibleTotals(s: SequentialSetting): number {
  if (s.maxRounds === 0 || s.cap <= s.pilot) return 1;
  return 1 + rungsBetween(Math.ceil(s.pilot * s.growth), s.cap) + 1;
}

/**
 * The fallback level, provably ≥ 99% for one stratum: every draw comes from one stream, and the reported interval is
 * the Clopper–Pearson interval of that stream's first t draws for one of the T totals t the rule can stop at, so it
 * misses only if one of those T fixed-n intervals misses; at 1 − 0.01/T that union has probability ≤ 1%. (A union
 * over the rounds alone would not do: a round's total depends on the draws before it.)
 */
export function bonferroniLevel(s: SequentialSetting): number {
  return 1 - (1 - targetCoverage) / possibleTotals(s);
}

/** The worst coverage at a level over `grid` (and its `keep` lowest rates), or undefined when the budget ran out. */
function tryLevel(
  s: SequentialSetting,
  level: number,
  grid: readonly number[],
  refine: number,
  keep: number,
  budget: Budget,
  terms: TermCache,
): ReturnType<typeof worstCoverage> | undefined {
  try {
    return worstCoverage(new SequentialRule(s, level, budget, terms), grid, refine, keep);
  } catch (e) {
    if (e instanceof OverBudget) return undefined;
    throw e;
  }
}

/** Rates the calibration checks: a grid this fine, refined between the worst point's neighbours this finely. */
const gridPoints = 64;
const refinePoints = 32;
/** Rates each whole-grid check hands to the search: its lowest coverages. */
const keepPoints = 16;

/**
 * The smallest level γ ≥ 99% (to 1e-4) at which the one-stratum procedure covers ≥ 99% at every p of the grid and its
 * refinement: 99% itself when it already does. Else the search steps up from 99% (0.1%, doubling) to a level that
 * passes, then bisects; to save whole-grid enumerations it checks only the rates where the whole-grid checks so far
 * found their lowest coverages, then checks the level it finds on the whole grid, and goes on above it (with that
 * check's lowest rates added) if it fails there. Coverage is not monotone in γ, so the level returned is one that
 * passed on the whole grid, not an interpolation. When the budget runs out, the lowest level that passed on the whole
 * grid so far, or before one has, the Bonferroni fallback.
 */
export function calibratedLevel(s: SequentialSetting, budget = defaultBudget): CalibratedLevel {
  const left: Budget = { left: budget };
  const levelOf = (k: number) => Math.round((targetCoverage + k * 1e-4) * 1e4) / 1e4;
  const grid = coverageGrid(gridPoints);
  const terms = new TermCache();
  const candidates = new Set<number>();
  let passed: CalibratedLevel | undefined;
  const result = (): CalibratedLevel =>
    passed
      ? { ...passed, work: budget - left.left }
      : { level: bonferroniLevel(s), method: 'bonferroni', work: budget - left.left };
  /** The whole grid at k: records a pass, and adds its lowest rates to the candidates. */
  const full = (k: number) => {
    const w = tryLevel(s, levelOf(k), grid, refinePoints, keepPoints, left, terms);
    if (!w) return undefined;
    w.lowest.forEach((p) => candidates.add(p));
    const ok = w.cover >= targetCoverage;
    if (ok && (!passed || levelOf(k) < passed.level))
      passed = { level: levelOf(k), method: 'enumerated', worst: { p: w.p, cover: w.cover }, work: 0 };
    return ok;
  };
  const quick = (k: number) => {
    const w = tryLevel(
      s,
      levelOf(k),
      [...candidates].sort((a, b) => a - b),
      0,
      0,
      left,
      terms,
    );
    return w && w.cover >= targetCoverage;
  };
  const first = full(0);
  if (first === undefined || first) return result();
  for (let lo = 0; ;) {
    let step = 10;
    let ok = quick(lo + step);
    while (ok === false) {
      lo += step;
      step *= 2;
      if (levelOf(lo + step) >= bonferroniLevel(s)) return result();
      ok = quick(lo + step);
    }
    if (ok === undefined) return result();
    let hi = lo + step;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const m = quick(mid);
      if (m === undefined) return result();
      if (m) hi = mid;
      else lo = mid;
    }
    const verified = full(hi);
    if (verified !== false) return result();
    lo = hi;
  }
}

/**
 * How a campaign's interval level is printed: "99%" for a fixed n; for a sequential campaign stopped and reported at
 * γ, "99% (sequential, γ = 99.27% per look)" — the interval covers 99% as a procedure, computed at γ.
 */
export function intervalLabel(level: number | undefined): string {
  if (level === undefined || level === targetCoverage) return '99%';
  return `99% (sequential, γ = ${(level * 100).toFixed(2)}% per look)`;
}
