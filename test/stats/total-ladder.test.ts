import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowestRungReaching, nextRung, roundTop, rungAtLeast, rungsBetween } from '../../src/stats/total-ladder.js';

/** The ladder up to `top`, rung by rung. */
function ladderTo(top: number): number[] {
  const out: number[] = [];
  for (let r = 1; r <= top; r = nextRung(r)) out.push(r);
  return out;
}

test('the ladder: every integer to 64, then steps of ⌊t/64⌋', () => {
  const rungs = ladderTo(300);
  assert.deepEqual(
    rungs.slice(0, 64),
    Array.from({ length: 64 }, (_, i) => i + 1),
  );
  assert.deepEqual(rungs.slice(64, 70), [65, 66, 67, 68, 69, 70]);
  assert.deepEqual(
    rungs.filter((r) => r >= 120 && r <= 140),
    [120, 121, 122, 123, 124, 125, 126, 127, 128, 130, 132, 134, 136, 138, 140],
  );
  // Past 256 the step is 4 (the rungs do not land on powers of two).
  assert.deepEqual(rungs.slice(-6), [278, 282, 286, 290, 294, 298]);
  assert.deepEqual([nextRung(4096), nextRung(65536)], [4160, 66560]);
});

test('rungAtLeast and rungsBetween agree with walking the ladder, for every t to 5,000', () => {
  const rungs = ladderTo(6000);
  for (let t = 1; t <= 5000; t++)
    assert.equal(
      rungAtLeast(t),
      rungs.find((r) => r >= t),
      `t = ${t}`,
    );
  for (const [from, below] of [
    [160, 4096],
    [1, 65],
    [100, 100],
    [300, 200],
    [65, 130],
  ] as const)
    assert.equal(rungsBetween(from, below), rungs.filter((r) => r >= from && r < below).length, `[${from}, ${below})`);
  // The one-stratum rule's totals at the bench's settings: a few hundred where every integer would be tens of thousands.
  assert.equal(rungsBetween(160, 65536), 404);
});

test('lowestRungReaching: the first rung ≥ floor (or top) reaching a monotone test, checked against a scan', () => {
  let probes = 0;
  for (const [floor, top] of [
    [160, 4096],
    [1, 64],
    [200, 201],
    [5000, 4096],
    [1000, 1000],
  ] as const) {
    const candidates = [...ladderTo(top).filter((r) => r >= floor && r < top), top];
    for (let need = 0; need <= top + 2; need += need < 300 ? 1 : 37) {
      const got = lowestRungReaching(floor, top, (t) => (probes++, t >= need));
      const want = floor >= top ? top : (candidates.find((t) => t >= need) ?? top);
      assert.equal(got, want, `floor ${floor}, top ${top}, need ${need}`);
    }
  }
  // Bisection: a handful of probes per search, not one per rung.
  const before = probes;
  lowestRungReaching(160, 65536, (t) => (probes++, t >= 30000));
  assert.ok(probes - before <= 11, `${probes - before} probes`);
});

test('roundTop: the rung at ×maxGrowth when below the top, never below the floor; the top without a bound', () => {
  assert.equal(roundTop(100, 125, 100_000), 100_000);
  assert.equal(roundTop(100, 125, 100_000, 8), 804); // 800 is not a rung; 804 is the next
  assert.equal(roundTop(100, 125, 500, 8), 500);
  assert.equal(roundTop(100, 125, 100_000, 1.1), rungAtLeast(125)); // ×1.1 is below the floor: the floor's rung
  assert.equal(roundTop(128, 160, 16_384, 8), rungAtLeast(1024));
});
