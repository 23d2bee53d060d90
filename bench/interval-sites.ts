/**
 * How many sites a layer needs to reach the paper's precision, by design and interval, with the rates known: what a
 * `--halfwidth` plan could save on a trained model at best. Reads a finished bit-stratified campaign (e.g.
 * runs/reproduce-full/baseline/campaign/fp32: 4,096 per layer, 128 per bit) and holds each layer's observed per-bit
 * SDC and critical (ΔLoss > 1) rates as the truth. The target is the 99% half-width of 4,096 uniform injections on
 * that layer (Clopper–Pearson at the layer's rate, the PyTorchFI-style peer's in bench/time-to-stats.ts). For each
 * design, the smallest total (on steps of 1/64) whose interval, with every stratum's hits at its rate, reaches the
 * target on both rates:
 *   - uniform, Clopper–Pearson (the peer: 4,096 up to the rounding of its hits);
 *   - bit strata, proportional allocation, Korn–Graubard (tgr's interval for fixed-n plans, src/stats/stratified.ts);
 *   - bit strata, Neyman from the smoothed rates at the held rate, Korn–Graubard (what `--halfwidth --allocation
 *     neyman` top-ups allocate, src/stats/halfwidth-size.ts);
 *   - bit strata, Fay–Feuer (1997) gamma interval for a weighted sum of Poisson counts (src/stats/fay-feuer.ts): every
 *     stratum without hits at one floor m (its largest weight W/m is the interval's one pseudo-count), the rest
 *     Neyman on √p̂, the best m — what `--halfwidth` now allocates by default (`--allocation floor`).
 * Not a speed benchmark: no runs, a lower bound on sites, since a real plan learns the rates from a pilot and reports
 * at the calibrated level γ > 99%. Fay–Feuer's exact coverage under binomial sampling: test/stats/fay-feuer.test.ts.
 *
 *   npx tsx bench/interval-sites.ts runs/reproduce-full/baseline/campaign/fp32 [--peer-n 4096]
 */
import { join } from 'node:path';
import { readPlan } from '../src/faults/plan/plan-file.js';
import { CampaignAccumulator } from '../src/faults/metrics/layer-accumulator.js';
import { tallyOptions } from '../src/faults/metrics/summarize.js';
import type { StratumTally } from '../src/faults/metrics/metrics.js';
import { forEachRecord } from '../src/faults/store/store.js';
import { runFolderFiles } from '../src/run-folder/file-names.js';
import { clopperPearson } from '../src/stats/clopper-pearson.js';
import { fayFeuerRate } from '../src/stats/fay-feuer.js';
import { neymanAllocation, stratifiedRate, type StratumCount } from '../src/stats/stratified.js';
import { smoothedSd } from '../src/stats/halfwidth-size.js';
import { nextRung } from '../src/stats/total-ladder.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: npx tsx bench/interval-sites.ts CAMPAIGN_DIR [--peer-n 4096]');
const at = process.argv.indexOf('--peer-n');
const peerN = at > 0 ? Number(process.argv[at + 1]) : 4096;
const level = 0.99;

const plan = readPlan(join(dir, runFolderFiles.plan));
const tally = tallyOptions(plan, [1]);
if (!tally.weights) throw new Error(`${dir}: not a bit-stratified campaign (--stratify bit)`);
const acc = new CampaignAccumulator(tally);
forEachRecord(join(dir, runFolderFiles.faults), (r) => acc.add(r));
const layers = acc.layers(plan.layers.map((l) => l.name));

/** Half-width (upper − lower)/2 of an interval. */
const half = (e: { lower: number; upper: number }) => (e.upper - e.lower) / 2;

/** The product's Fay–Feuer interval (src/stats/fay-feuer.ts) at the bench's level. */
const fayFeuer = (strata: readonly StratumCount[]) => fayFeuerRate(strata, level);

type Interval = (strata: readonly StratumCount[]) => { lower: number; upper: number };
type Allocation = (total: number) => number[];

/** Strata of `weights` drawn `counts` times each, every stratum's hits at its rate `p`. */
const held = (p: readonly number[], weights: readonly number[], counts: readonly number[]): StratumCount[] =>
  p.map((ph, h) => ({ weight: weights[h]!, n: counts[h]!, hits: ph * counts[h]! }));

/** The smallest total on the ladder whose allocation reaches every rate's target by `interval`, or NaN past 2¹⁷. */
function sitesNeeded(
  rates: readonly number[][],
  weights: readonly number[],
  targets: readonly number[],
  interval: Interval,
  alloc: Allocation,
): number {
  const reaches = (counts: readonly number[]) =>
    rates.every((p, k) => half(interval(held(p, weights, counts))) <= targets[k]!);
  for (let t = 2 * weights.length; t <= 1 << 17; t = nextRung(t)) if (reaches(alloc(t))) return t;
  return NaN;
}

const sum = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0);
const rows: { layer: string; target: number; sites: number[] }[] = [];
for (const m of layers) {
  const strata: readonly StratumTally[] = m.strata;
  const weights = strata.map((s) => s.weight);
  const rates = [strata.map((s) => s.sdc / s.n), strata.map((s) => s.critical[0]! / s.n)];
  const means = rates.map((p) => sum(p.map((ph, h) => weights[h]! * ph)));
  const targets = means.map((mean) => half(clopperPearson(Math.round(mean * peerN), peerN, level)));
  const uniform = (t: number) => [t];
  const pooled = means.map((mean) => [mean]);
  const proportional: Allocation = (t) =>
    neymanAllocation(
      t,
      weights.map((w) => ({ weight: w, sd: 1 })),
      1,
    );
  const neymanAt = (p: readonly number[], t: number) => {
    // tgr's --allocation neyman top-ups: Neyman on the smoothed sd at the held rate, settled by re-allocating at the counts it gives.
    let n = weights.map(() => Math.max(2, Math.round(t / weights.length)));
    for (let k = 0; k < 4; k++)
      n = neymanAllocation(
        t,
        p.map((ph, h) => ({ weight: weights[h]!, sd: smoothedSd(ph * n[h]!, n[h]!) })),
        2,
      );
    return n;
  };
  const neyman: Allocation = (t) => {
    const per = rates.map((p) => neymanAt(p, t));
    return weights.map((_, h) => Math.max(...per.map((a) => a[h]!)));
  };
  const sd = weights.map((_, h) => Math.sqrt(Math.max(...rates.map((p) => p[h]!))));
  const score = sum(sd.map((s, h) => weights[h]! * s));
  // Every stratum at the floor; what is left shared by Neyman on √p̂, so strata without hits keep just the floor.
  const ffFloor = (t: number, floor: number): number[] => {
    const free = t - floor * weights.length;
    return sd.map((s, h) => (score > 0 ? floor + Math.round((free * weights[h]! * s) / score) : floor));
  };
  const ffReach = (t: number): number[] | undefined => {
    let best: number[] | undefined;
    let bestWidth = Infinity;
    for (let floor = 1; floor * weights.length <= t; floor = Math.max(floor + 1, Math.ceil(floor * 1.15))) {
      const c = ffFloor(t, floor);
      const w = Math.max(...rates.map((p, k) => half(fayFeuer(held(p, weights, c))) / targets[k]!));
      if (w < bestWidth) [best, bestWidth] = [c, w];
    }
    return best;
  };
  rows.push({
    layer: m.layer,
    target: targets[0]!,
    sites: [
      sitesNeeded(pooled, [1], targets, (s) => clopperPearson(s[0]!.hits, s[0]!.n, level), uniform),
      sitesNeeded(rates, weights, targets, (s) => stratifiedRate(s, level), proportional),
      sitesNeeded(rates, weights, targets, (s) => stratifiedRate(s, level), neyman),
      sitesNeeded(rates, weights, targets, fayFeuer, (t) => ffReach(t) ?? proportional(t)),
    ],
  });
}

const designs = [
  'uniform, Clopper–Pearson',
  'bits proportional, Korn–Graubard',
  'bits Neyman (tgr --allocation neyman), Korn–Graubard',
  'bits floor + Neyman (tgr’s default), Fay–Feuer',
];
console.log(
  `${dir}: ${plan.layers.length} layers, ${plan.perLayer} per layer in the campaign; target: each layer's 99% half-width of the SDC rate and P(ΔLoss > 1) at ${peerN} uniform`,
);
console.log(`| layer | target (SDC) | ${designs.join(' | ')} |`);
console.log(`| --- | --- | ${designs.map(() => '---').join(' | ')} |`);
for (const r of rows) console.log(`| ${r.layer} | ${r.target.toFixed(4)} | ${r.sites.join(' | ')} |`);
const totals = designs.map((_, i) => sum(rows.map((r) => r.sites[i]!)));
console.log(`| all | | ${totals.join(' | ')} |`);
console.log(`sites ÷ uniform: ${totals.map((t) => (t / totals[0]!).toFixed(2)).join(', ')} (${designs.join(', ')})`);
