/*
 * The totals a `--halfwidth` top-up may end at: every integer up to 64, then each rung ⌊t/64⌋ above the last (steps
 * of about 1/64). A round's total is the lowest rung whose projected interval reaches the target, so a one-stratum
 * procedure can stop at only a few hundred totals instead of every integer up to the cap. That keeps the calibration's
 * enumeration small at large caps (few distinct totals, each with its own states) and its Bonferroni fallback, a union
 * over the totals the rule can stop at, far less dear. Integer steps, so every machine plans the same totals.
 */

/** The rung after t. */
export function nextRung(t: number): number {
  return t + Math.max(1, Math.floor(t / 64));
}

/** The rungs made so far, in order: a prefix of the ladder, grown on demand. */
const ladder: number[] = [1];

/** The index in `ladder` of the lowest rung ≥ t, growing the ladder until it holds one. */
function indexAtLeast(t: number): number {
  while (ladder[ladder.length - 1]! < t) ladder.push(nextRung(ladder[ladder.length - 1]!));
  let lo = 0;
  let hi = ladder.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ladder[mid]! >= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The lowest rung ≥ t. */
export function rungAtLeast(t: number): number {
  return ladder[indexAtLeast(t)]!;
}

/**
 * The highest total a round from `now` may end at: `top`, or, with `maxGrowth`, the rung at ×maxGrowth when that is
 * lower — a rung, so every total a rule can stop at stays on the ladder — but never below `floor`.
 */
export function roundTop(now: number, floor: number, top: number, maxGrowth?: number): number {
  if (maxGrowth === undefined) return top;
  return Math.min(top, rungAtLeast(Math.max(floor, Math.ceil(now * maxGrowth))));
}

/** How many rungs lie in [from, below). */
export function rungsBetween(from: number, below: number): number {
  return below <= from ? 0 : indexAtLeast(below) - indexAtLeast(from);
}

/**
 * The lowest total among the rungs ≥ `floor` below `top`, and `top` itself, at which `reaches` holds, by bisection over
 * the rungs (`reaches` is taken to be monotone in the total); `top` when none does or the floor is not below it.
 */
export function lowestRungReaching(floor: number, top: number, reaches: (total: number) => boolean): number {
  const first = indexAtLeast(floor);
  const end = indexAtLeast(top);
  // Candidates: ladder[first..end) (the rungs below top), then top itself at index `end`.
  const at = (i: number) => (i < end ? ladder[i]! : top);
  if (first >= end || reaches(at(first))) return at(first);
  let lo = first;
  let hi = end;
  if (!reaches(top)) return top;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (reaches(at(mid))) hi = mid;
    else lo = mid;
  }
  return at(hi);
}
