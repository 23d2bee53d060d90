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
  type SequentialSetting,
} from '../../src/stats/sequential-level.js';
import { nextCounts } from '../../src/stats/halfwidth-size.js';

const small: SequentialSetting = { pilot: 16, halfwidth: 0.1, maxRounds: 3, cap: 1e6, growth: 1.25 };

test('the rule’s top-up is nextCounts’s for one stratum, state by state, at several levels, targets and caps', () => {
  let checked = 0;
  for (const [halfwidth, cap, level] of [
    [0.1, 1e6, 0.99],
    [0.02, 4096, 0.995],
    [0.0081, 4096, 0.99],
    [0.005, 65536, 0.9973],
  ] as const) {
    const rule = new SequentialRule({ pilot: 16, halfwidth, maxRounds: 3, cap, growth: 1.25 }, level);
    for (const n of [16, 20, 32, 128, 333, 1000, 4000])
      for (let x = 0; x <= n; x += Math.max(1, Math.floor(n / 97))) {
        const want = nextCounts([[{ weight: 1, n, hits: x }]], halfwidth, { min: 1, cap, growth: 1.25, level });
        assert.equal(rule.topUp(n, x), want ? want[0]! : 0, `W ${halfwidth}, cap ${cap}, level ${level}: ${x} of ${n}`);
        checked++;
      }
  }
  assert.equal(checked, 2044);
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

test('the Bonferroni fallback: a union over every total the rule can stop at', () => {
  const s = { pilot: 128, halfwidth: 0.01, maxRounds: 5, cap: 4096, growth: 1.25 };
  assert.equal(possibleTotals(s), 1 + 4096 - 160 + 1);
  assert.equal(bonferroniLevel(s), 1 - 0.01 / 3938);
  assert.equal(possibleTotals({ ...s, maxRounds: 0 }), 1);
  assert.equal(bonferroniLevel({ ...s, maxRounds: 0 }), 0.99);
  // Out of budget: the fallback, never a level the enumeration did not check.
  const c = calibratedLevel(s, 1000);
  assert.deepEqual([c.level, c.method, c.worst], [1 - 0.01 / 3938, 'bonferroni', undefined]);
});

test('calibratedLevel on pilot 16, ±0.1, 3 top-ups: γ = 99.25%, covering ≥ 99% where 99% gave 98.80%', () => {
  const c = calibratedLevel(small);
  assert.equal(c.method, 'enumerated');
  assert.equal(c.level, 0.9925);
  assert.ok(c.worst!.cover >= 0.99);
  assert.equal(c.worst!.cover.toFixed(5), '0.99001');
  const rule = new SequentialRule(small, c.level);
  assert.equal(sequentialCoverage(0.2, rule).cover.toFixed(5), '0.99047');
  assert.equal(sequentialCoverage(0.25, rule).cover.toFixed(5), '0.99247');
});

test('intervalLabel: 99% for a fixed n, the procedure’s 99% with γ for a sequential campaign', () => {
  assert.equal(intervalLabel(undefined), '99%');
  assert.equal(intervalLabel(0.99), '99%');
  assert.equal(intervalLabel(0.9927), '99% (sequential, γ = 99.27% per look)');
});
