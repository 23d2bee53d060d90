/**
 * The `--halfwidth` rounds replayed on known rates: how many sites each design spends to reach the PyTorchFI-style
 * peer's widths, and how often its final interval covers the truth. Reads a finished bit-stratified campaign (e.g.
 * runs/reproduce-full/baseline/campaign/fp32: 128 per bit and layer) and holds each layer's per-bit joint rates of
 * SDC and critical (ΔLoss > 1) as the truth; the targets are each layer's 99% Clopper–Pearson half-widths at the
 * peer's n. Per seed and layer: a pilot of `--pilot` sites (equal over the bits), then the product's rule
 * (src/stats/halfwidth-size.ts nextCounts, the campaign's ×1.25 and ×8 bounds) until both rates reach their targets
 * at the level γ or the rounds or cap are spent, each round's sites drawn per bit at that bit's rates. No runs: what
 * a design costs in sites, and its coverage, with the runner taken out.
 *
 *   npx tsx bench/halfwidth-replay.ts CAMPAIGN_DIR [--seeds 20] [--level 0.993] [--pilot 128] [--cap 16384]
 *     [--max-rounds 6] [--peer-n 4096]
 */
import { join } from 'node:path';
import { Rng } from '../src/core/rng.js';
import { readPlan } from '../src/faults/plan/plan-file.js';
import { growthCap, minGrowth } from '../src/faults/plan/rounds.js';
import { minPerStratum } from '../src/faults/plan/strata.js';
import { forEachRecord } from '../src/faults/store/store.js';
import { runFolderFiles } from '../src/run-folder/file-names.js';
import { clopperPearson } from '../src/stats/clopper-pearson.js';
import { nextCounts } from '../src/stats/halfwidth-size.js';
import { rateInterval, rateIntervalNames } from '../src/stats/rate-intervals.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: npx tsx bench/halfwidth-replay.ts CAMPAIGN_DIR [--seeds 20] …');
const arg = (k: string, d: number) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const [seeds, level, pilot, cap, maxRounds, peerN] = [
  arg('seeds', 20),
  arg('level', 0.993),
  arg('pilot', 128),
  arg('cap', 16_384),
  arg('max-rounds', 6),
  arg('peer-n', 4096),
];

const plan = readPlan(join(dir, runFolderFiles.plan));
const bits = plan.strata?.weights.length;
if (!bits) throw new Error(`${dir}: not a bit-stratified campaign (--stratify bit)`);
/** Per layer and bit: draws, then SDC and critical together, SDC alone, critical alone (metrics.ts's definitions). */
const joint = new Map<string, number[][]>();
forEachRecord(join(dir, runFolderFiles.faults), (r) => {
  let t = joint.get(r.layer);
  if (!t) joint.set(r.layer, (t = Array.from({ length: bits }, () => [0, 0, 0, 0])));
  const due = r.nonFinite || r.detected === true || r.faultyLoss === null || !Number.isFinite(r.faultyLoss);
  const sdc = !due && r.faultyTop1 !== r.goldenTop1;
  const critical = !due && r.faultyLoss! - r.goldenLoss > 1;
  const c = t[r.bit]!;
  c[0]!++;
  if (sdc || critical) c[sdc && critical ? 1 : sdc ? 2 : 3]!++;
});

const half = (e: { lower: number; upper: number }) => (e.upper - e.lower) / 2;
const weights = plan.strata!.weights;
const maxGrowth = growthCap({ pilot, maxRounds, cap });
for (const interval of rateIntervalNames) {
  let [sites, trials, covered] = [0, 0, 0];
  for (let seed = 0; seed < seeds; seed++) {
    const rng = new Rng(`replay/${seed}`);
    for (const t of joint.values()) {
      const truth = [t.map((c) => (c[1]! + c[2]!) / c[0]!), t.map((c) => (c[1]! + c[3]!) / c[0]!)];
      const mean = (p: readonly number[]) => p.reduce((a, x, h) => a + weights[h]! * x, 0);
      const targets = truth.map((p) => half(clopperPearson(Math.round(mean(p) * peerN), peerN, 0.99)));
      const n = weights.map(() => 0);
      const hits = [weights.map(() => 0), weights.map(() => 0)];
      const draw = (to: readonly number[]) =>
        to.forEach((m, h) => {
          const c = t[h]!;
          for (; n[h]! < m; n[h]!++) {
            const u = rng.next() * c[0]!;
            if (u < c[1]! + c[2]!) hits[0]![h]!++;
            if (u < c[1]! || (u >= c[1]! + c[2]! && u < c[1]! + c[2]! + c[3]!)) hits[1]![h]!++;
          }
        });
      draw(weights.map((_, h) => Math.floor(pilot / bits) + (h < pilot % bits ? 1 : 0)));
      const strata = () => hits.map((x) => x.map((k, h) => ({ weight: weights[h]!, n: n[h]!, hits: k })));
      for (let round = 0; round < maxRounds; round++) {
        const limits = { min: minPerStratum, cap, growth: minGrowth, maxGrowth, level, interval };
        const to = nextCounts(strata(), targets, limits);
        if (!to) break;
        draw(to);
      }
      sites += n.reduce((a, x) => a + x, 0);
      strata().forEach((s, k) => {
        const e = rateInterval(s, level, interval);
        trials++;
        if (e.lower <= mean(truth[k]!) && mean(truth[k]!) <= e.upper) covered++;
      });
    }
  }
  console.log(
    `${interval}: ${(sites / seeds).toFixed(0)} sites per campaign (${joint.size} layers, peer ${peerN * joint.size}); the true rate in ${((100 * covered) / trials).toFixed(2)}% of ${trials} intervals at γ = ${level}`,
  );
}
