import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextCounts } from '../../../src/stats/halfwidth-size.js';
import { rateInterval, type RateInterval } from '../../../src/stats/rate-intervals.js';
import { calibratedLevel } from '../../../src/stats/sequential-level.js';
import { growthCap, minGrowth } from '../../../src/faults/plan/rounds.js';
import { minPerStratum } from '../../../src/faults/plan/strata.js';
import { forEachBinomialOutcome } from '../../stats/binomial-outcomes.js';

/*
 * The stratified --halfwidth procedure's exact coverage on two strata: the pilot, then the rounds nextCounts plans
 * (floor + √rate under Fay–Feuer, the default; Neyman under Korn–Graubard, --allocation neyman), each round's hits
 * binomial per stratum, every reachable state (counts and hits per stratum) carried with its probability, and at the
 * stop the reported interval at the calibrated γ checked against Σ W_h·p_h. No sampling (paths below 1e-15 dropped). The one-stratum calibration
 * is what the campaign applies to its stratified intervals (docs/ARCHITECTURE.md, "Planning for a precision").
 */

const setting = { pilot: [4, 4], halfwidth: 0.05, cap: 200, maxRounds: 3 };
const gamma = calibratedLevel({
  pilot: 8,
  halfwidth: setting.halfwidth,
  maxRounds: setting.maxRounds,
  cap: setting.cap,
  growth: minGrowth,
  maxGrowth: growthCap({ pilot: 8, maxRounds: setting.maxRounds, cap: setting.cap }),
});

/** Paths less likely than this are dropped (the mass check bounds what they could move). */
const prune = 1e-15;

interface State {
  n: number[];
  x: number[];
  prob: number;
}

/** Exact coverage and mean final n of the procedure on strata of `weights` with true rates `p`. */
function coverage(weights: number[], p: number[], interval: RateInterval): { cover: number; mass: number; n: number } {
  const truth = weights.reduce((a, w, h) => a + w * p[h]!, 0);
  const spread = (into: Map<string, State>, from: State, to: number[]) =>
    forEachBinomialOutcome(
      to.map((t, h) => t - from.n[h]!),
      p,
      (k, prob) => {
        const x = k.map((kh, h) => from.x[h]! + kh);
        const key = `${to.join()}|${x.join()}`;
        const s = into.get(key);
        if (s) s.prob += prob;
        else into.set(key, { n: to, x, prob });
      },
      from.prob,
      prune,
    );
  let states = new Map<string, State>();
  spread(states, { n: [0, 0], x: [0, 0], prob: 1 }, setting.pilot);
  const maxGrowth = growthCap({ pilot: 8, maxRounds: setting.maxRounds, cap: setting.cap });
  let [cover, mass, n] = [0, 0, 0];
  for (let round = 0; states.size > 0; round++) {
    const next = new Map<string, State>();
    for (const s of states.values()) {
      const strata = s.x.map((hits, h) => ({ weight: weights[h]!, n: s.n[h]!, hits }));
      const to =
        round < setting.maxRounds
          ? nextCounts([strata], setting.halfwidth, {
              min: minPerStratum,
              cap: setting.cap,
              growth: minGrowth,
              maxGrowth,
              level: gamma.level,
              interval,
            })
          : undefined;
      if (to) {
        spread(next, s, to);
        continue;
      }
      const e = rateInterval(strata, gamma.level, interval);
      mass += s.prob;
      n += s.prob * (s.n[0]! + s.n[1]!);
      if (e.lower <= truth && truth <= e.upper) cover += s.prob;
    }
    states = next;
  }
  return { cover, mass, n };
}

const fixed = (c: { cover: number; mass: number; n: number }) => {
  assert.ok(Math.abs(c.mass - 1) < 1e-8, `every path ends (mass ${c.mass})`);
  return [c.cover.toFixed(5), c.n.toFixed(1)];
};

test('two strata, ±0.05, cap 200: the calibrated level is enumerated', () => {
  assert.deepEqual([gamma.level, gamma.method], [0.9928, 'enumerated']);
});

test('the Fay–Feuer procedure covers ≥ 99% on every two-stratum case enumerated', () => {
  assert.deepEqual(fixed(coverage([0.9, 0.1], [0, 0.3], 'fay-feuer')), ['0.99984', '107.8']);
  assert.deepEqual(fixed(coverage([0.9, 0.1], [0.001, 0.5], 'fay-feuer')), ['0.99999', '117.5']);
  assert.deepEqual(fixed(coverage([0.8, 0.2], [0.01, 0.1], 'fay-feuer')), ['0.99905', '125.2']);
  assert.deepEqual(fixed(coverage([0.95, 0.05], [0, 0.9], 'fay-feuer')), ['1.00000', '96.4']);
});

test('the Korn–Graubard procedure (--allocation neyman) stops sooner but covers only 96.2% where one stratum is rare', () => {
  // A heavy stratum almost never hitting beside a light one at ½: its smoothing lets the rounds stop early, and the
  // interval then misses — reported here, not tuned away; it is why Fay–Feuer is --halfwidth's default.
  assert.deepEqual(fixed(coverage([0.9, 0.1], [0.001, 0.5], 'korn-graubard')), ['0.96244', '81.2']);
  assert.deepEqual(fixed(coverage([0.9, 0.1], [0, 0.3], 'korn-graubard')), ['0.99695', '72.7']);
  // With a heavy stratum at 0, Fay–Feuer's one pseudo-count of W/n is dear: it takes 108 sites where Korn–Graubard
  // stops at 73 — on bit strata (32 of weight 1/32 each) the pseudo-count is small and the floor design needs fewer.
});
