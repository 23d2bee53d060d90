import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stratifiedRate } from '../../../src/stats/stratified.js';
import {
  calibratedLevel,
  SequentialRule,
  sequentialCoverage,
  type SequentialSetting,
} from '../../../src/stats/sequential-level.js';
import { growthCap, minGrowth } from '../../../src/faults/plan/rounds.js';

/*
 * What stopping on the measured width does to coverage, exactly: every path of the sequential rule on one stratum
 * (pilot draws, then the rounds nextCounts plans, until the half-width is reached or the rounds are spent) is
 * enumerated with its binomial probability (stats/sequential-level.ts), and the reported interval at the stopping
 * point is checked against the true rate. No sampling: the figures are the procedure's coverage. At 99% it falls
 * under 99% where the target is about half the rate; at the calibrated γ (sequentialLevel) it does not.
 */

/** Coverage and mean final n of the procedure stopped and reported at `level`. */
function coverage(p: number, s: Omit<SequentialSetting, 'growth'>, level: number) {
  const c = sequentialCoverage(p, new SequentialRule({ growth: minGrowth, ...s }, level));
  assert.ok(Math.abs(c.mass - 1) < 1e-7, `every path ends (mass ${c.mass})`);
  return { cover: c.cover.toFixed(5), meanN: Math.round(c.meanN) };
}

const small = { pilot: 16, halfwidth: 0.1, maxRounds: 3, cap: 1e6 };

test('the sequential rule’s exact coverage (one stratum, pilot 16, ±0.1, 3 top-ups): above 99% at small rates, 98.8% at p = 0.2', () => {
  assert.deepEqual(coverage(0.01, small, 0.99), { cover: '0.99867', meanN: 29 });
  // Stopping when the width is reached favours samples whose p̂ sits further from ½ (narrower intervals), so the
  // interval at the stop misses a little more often than a fixed n's: docs/ARCHITECTURE.md, "Planning for a precision".
  assert.deepEqual(coverage(0.2, small, 0.99), { cover: '0.98779', meanN: 129 });
  assert.deepEqual(coverage(0.25, small, 0.99), { cover: '0.98984', meanN: 148 });
});

test('stopped and reported at the calibrated γ = 99.25% (pilot 16, ±0.1, 3 top-ups), the procedure covers ≥ 99%', () => {
  // calibratedLevel gives 0.9925 for these settings (test/stats/sequential-level.test.ts).
  assert.deepEqual(coverage(0.2, small, 0.9925), { cover: '0.99017', meanN: 139 });
  assert.deepEqual(coverage(0.25, small, 0.9925), { cover: '0.99232', meanN: 158 });
  assert.deepEqual(coverage(0.01, small, 0.9925), { cover: '0.99908', meanN: 32 });
});

test('the sequential rule’s exact coverage where the target is a uniform sample’s width (n = 256, pilot 32, 5 top-ups)', () => {
  // The bench's regime: W is the 99% half-width 256 uniform draws reach at p (8 hits at p = 0.03).
  const e = stratifiedRate([{ weight: 1, n: 256, hits: 8 }]);
  const c = coverage(0.03, { pilot: 32, halfwidth: (e.upper - e.lower) / 2, maxRounds: 5, cap: 4096 }, 0.99);
  assert.deepEqual(c, { cover: '0.99673', meanN: 324 });
});

test('n = 1,024-style target, pilot 128, 5 top-ups, cap 4,096: 98.7% at p = 0.03 at 99%, ≥ 99% at the calibrated γ = 99.32%', () => {
  // W is the 99% half-width 1,024 uniform draws reach at p = 0.03 (31 hits).
  const e = stratifiedRate([{ weight: 1, n: 1024, hits: 31 }]);
  const s = { pilot: 128, halfwidth: (e.upper - e.lower) / 2, maxRounds: 5, cap: 4096 };
  assert.deepEqual(coverage(0.03, s, 0.99), { cover: '0.98730', meanN: 1244 });
  const c = calibratedLevel({ ...s, growth: minGrowth });
  assert.deepEqual([c.level, c.method], [0.9932, 'enumerated']);
  assert.deepEqual(coverage(0.03, s, c.level), { cover: '0.99060', meanN: 1366 });
});

test('the same case as campaigns run it, at most ×8 a round: fewer draws, and ≥ 99% at its own calibrated γ = 99.27%', () => {
  const e = stratifiedRate([{ weight: 1, n: 1024, hits: 31 }]);
  const base = { pilot: 128, halfwidth: (e.upper - e.lower) / 2, maxRounds: 5, cap: 4096 };
  const s = { ...base, maxGrowth: growthCap(base) };
  assert.equal(s.maxGrowth, 8);
  // 128 → at most 1,024 first: the top-up is sized again on 8× the draws instead of jumping from the pilot's 4 hits.
  assert.deepEqual(coverage(0.03, s, 0.99), { cover: '0.98748', meanN: 1131 });
  const c = calibratedLevel({ ...s, growth: minGrowth });
  assert.deepEqual([c.level, c.method], [0.9927, 'enumerated']);
  assert.ok(c.worst!.cover >= 0.99, `worst ${c.worst!.cover} at p = ${c.worst!.p}`);
  const at = coverage(0.03, s, c.level);
  assert.ok(Number(at.cover) >= 0.99 && at.meanN < 1366, `${JSON.stringify(at)}`);
});
