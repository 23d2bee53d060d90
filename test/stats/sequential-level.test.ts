import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bonferroniLevel,
  calibratedLevel,
  coverageGrid,
  intervalLabel,
  possibleTotals,
  SequentialRule,
  sequentialCoverage,
  TermCache,
  type SequentialSetting,
} from '../../src/stats/sequential-level.js';
import { nextCounts } from '../../src/stats/halfwidth-size.js';
import { nextRung, rungAtLeast } from '../../src/stats/total-ladder.js';

const small: SequentialSetting = { pilot: 16, halfwidth: 0.1, maxRounds: 3, cap: 1e6, growth: 1.25 };

test('the rule’s top-up is nextCounts’s for one stratum, state by state, at several levels, targets, caps and growth caps', () => {
  let checked = 0;
  for (const [halfwidth, cap, level, maxGrowth] of [
    [0.1, 1e6, 0.99, undefined],
    [0.02, 4096, 0.995, undefined],
    [0.0081, 4096, 0.99, undefined],
    [0.005, 65536, 0.9973, undefined],
    [0.02, 4096, 0.99, 8],
    [0.005, 65536, 0.99, 8],
    [0.0081, 4096, 0.99, 2.5],
  ] as const) {
    const bound = maxGrowth === undefined ? {} : { maxGrowth };
    const rule = new SequentialRule({ pilot: 16, halfwidth, maxRounds: 3, cap, growth: 1.25, ...bound }, level);
    for (const n of [16, 20, 32, 128, 333, 1000, 4000])
      for (let x = 0; x <= n; x += Math.max(1, Math.floor(n / 97))) {
        const want = nextCounts([[{ weight: 1, n, hits: x }]], halfwidth, {
          min: 1,
          cap,
          growth: 1.25,
          level,
          ...bound,
        });
        const at = `W ${halfwidth}, cap ${cap}, level ${level}, ×${maxGrowth}: ${x} of ${n}`;
        assert.equal(rule.topUp(n, x), want ? want[0]! : 0, at);
        // A round never passes the cap, nor the rung at ×maxGrowth unless the least growth (×1.25) asks for more; it
        // ends on a rung or the cap, the totals the Bonferroni fallback counts.
        if (want) {
          const most = maxGrowth === undefined ? cap : rungAtLeast(Math.ceil(n * Math.max(1.25, maxGrowth)));
          assert.ok(want[0]! <= Math.min(cap, most), at);
          assert.ok(want[0] === cap || want[0] === rungAtLeast(want[0]!), at);
        }
        checked++;
      }
  }
  assert.equal(checked, 3577);
});

test('a fixed n (no top-ups) covers as Clopper–Pearson does: at least the level, exactly the binomial sum', () => {
  const rule = new SequentialRule({ pilot: 50, halfwidth: 0.01, maxRounds: 0, cap: 50, growth: 1.25 }, 0.99);
  const c = sequentialCoverage(0.3, rule);
  assert.ok(Math.abs(c.mass - 1) < 1e-9);
  assert.equal(Math.round(c.meanN), 50);
  assert.equal(c.cover.toFixed(5), '0.99514');
  assert.deepEqual(calibratedLevel({ pilot: 50, halfwidth: 0.01, maxRounds: 0, cap: 50, growth: 1.25 }).level, 0.99);
});

test('the grid: sin² spacing over (0, ½], denser near 0', () => {
  assert.deepEqual(
    coverageGrid(4).map((p) => p.toFixed(6)),
    ['0.038060', '0.146447', '0.308658', '0.500000'],
  );
});

test('the Bonferroni fallback: a union over every total the rule can stop at — the pilot, the ladder’s rungs, the cap', () => {
  const s = { pilot: 128, halfwidth: 0.01, maxRounds: 5, cap: 4096, growth: 1.25 };
  // Rungs from ⌈1.25·128⌉ = 160 below 4,096, walked one by one.
  let rungs = 0;
  for (let r = rungAtLeast(160); r < 4096; r = nextRung(r)) rungs++;
  assert.equal(rungs, 225);
  assert.equal(possibleTotals(s), 1 + 225 + 1);
  assert.equal(bonferroniLevel(s), 1 - 0.01 / 227);
  assert.equal(possibleTotals({ ...s, maxRounds: 0 }), 1);
  assert.equal(bonferroniLevel({ ...s, maxRounds: 0 }), 0.99);
  // A cap between the pilot and its first top-up is still a total the rule can stop at.
  assert.equal(possibleTotals({ ...s, cap: 150 }), 2);
  assert.equal(possibleTotals({ ...s, cap: 128 }), 1);
  // Out of budget: the fallback, never a level the enumeration did not check.
  const c = calibratedLevel(s, 1000);
  assert.deepEqual([c.level, c.method, c.worst], [1 - 0.01 / 227, 'bonferroni', undefined]);
});

test('calibratedLevel on pilot 16, ±0.1, 3 top-ups: γ = 99.25%, covering ≥ 99% where 99% gave 98.78%', () => {
  const c = calibratedLevel(small);
  assert.equal(c.method, 'enumerated');
  assert.equal(c.level, 0.9925);
  assert.ok(c.worst!.cover >= 0.99);
  assert.equal(c.worst!.cover.toFixed(5), '0.99009');
  const rule = new SequentialRule(small, c.level);
  assert.equal(sequentialCoverage(0.2, rule).cover.toFixed(5), '0.99017');
  assert.equal(sequentialCoverage(0.25, rule).cover.toFixed(5), '0.99232');
});

test('a cap of a million calibrates: the rule keeps decisions and states only for the hit counts its paths reach', () => {
  // Rows of n + 1 per total reached ran past the memory bound here and fell back to Bonferroni.
  const s = { pilot: 128, halfwidth: 0.02, maxRounds: 5, cap: 1_000_000, growth: 1.25 };
  const c = calibratedLevel(s);
  assert.equal(c.method, 'enumerated');
  assert.ok(c.worst!.cover >= 0.99 && c.level < bonferroniLevel(s), `${JSON.stringify(c)}`);
  // At p = ½ this target needs ~4,100 draws, so the paths go far past the pilot; every one of them ends.
  const at = sequentialCoverage(0.5, new SequentialRule(s, c.level));
  assert.ok(Math.abs(at.mass - 1) < 1e-7 && at.cover >= 0.99, `${JSON.stringify(at)}`);
  assert.ok(at.meanN > 4000, `${at.meanN}`);
});

test('intervalLabel: 99% for a fixed n, the procedure’s 99% with γ for a sequential campaign', () => {
  assert.equal(intervalLabel(undefined), '99%');
  assert.equal(intervalLabel(0.99), '99%');
  assert.equal(intervalLabel(0.9927), '99% (sequential, γ = 99.27% per look)');
});

test('rules of several levels sharing one TermCache give each level’s coverage exactly as a fresh rule does', () => {
  const s: SequentialSetting = { pilot: 64, halfwidth: 0.02, maxRounds: 4, cap: 4096, growth: 1.25, maxGrowth: 8 };
  const terms = new TermCache();
  for (const level of [0.99, 0.993, 0.99, 0.995])
    for (const p of [0.003, 0.05, 0.3]) {
      const shared = sequentialCoverage(p, new SequentialRule(s, level, undefined, terms));
      assert.deepEqual(shared, sequentialCoverage(p, new SequentialRule(s, level)), `level ${level}, p ${p}`);
    }
});
