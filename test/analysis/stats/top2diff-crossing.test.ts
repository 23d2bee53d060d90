import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyAt, top2DiffCrossing, top2DiffSweep } from '../../../src/analysis/stats/top2diff-crossing.js';

// 10 images each. Baseline: 8 right but many borderline; text-guided: 7 right, all confident.
const baseline = {
  top2diff: [2, 4, 6, 8, 30, 40, 50, 60, 1, 1],
  correct: [true, true, true, true, true, true, true, true, false, false],
};
const textGuided = {
  top2diff: [20, 25, 30, 35, 40, 50, 60, 5, 5, 5],
  correct: [true, true, true, true, true, true, true, false, false, false],
};

test('accuracy(δ) counts correct images with Top2Diff ≥ δ over all images', () => {
  assert.equal(accuracyAt(baseline, 0), 0.8);
  assert.equal(accuracyAt(baseline, 4), 0.7); // 2 drops out; 4 stays (≥)
  assert.equal(accuracyAt(baseline, 8.5), 0.4);
  assert.equal(accuracyAt(textGuided, 8.5), 0.7);
  assert.equal(accuracyAt(textGuided, 100), 0);
});

test('the crossing is where the text-guided model catches up, linearly interpolated between grid points', () => {
  const sweep = top2DiffSweep(baseline, textGuided, [0, 2, 4, 6, 8]);
  assert.deepEqual(
    sweep.map((p) => [p.first, p.second]),
    [
      [0.8, 0.7],
      [0.8, 0.7],
      [0.7, 0.7],
      [0.6, 0.7],
      [0.5, 0.7],
    ],
  );
  assert.equal(top2DiffCrossing(sweep), 4); // the gap is −0.1 at δ = 2 and exactly 0 at δ = 4
  // On a coarser grid the gap goes −0.1 (δ = 0) → +0.1 (δ = 6): interpolation puts the crossing at 0 + 6·0.1/0.2 = 3.
  const coarse = top2DiffSweep(baseline, textGuided, [0, 6]);
  assert.ok(Math.abs(top2DiffCrossing(coarse)! - 3) < 1e-12);
  assert.equal(top2DiffSweep(baseline, textGuided).length, 41); // the paper's 0..40 default grid
});

test('no crossing is null; never behind is the first grid point', () => {
  assert.equal(top2DiffCrossing(top2DiffSweep(baseline, textGuided, [0, 1, 2])), null);
  assert.equal(top2DiffCrossing(top2DiffSweep(textGuided, baseline, [0, 1, 2])), 0);
  assert.equal(top2DiffCrossing(top2DiffSweep(baseline, baseline, [3, 4])), 3);
  assert.throws(
    () => top2DiffSweep({ top2diff: [1], correct: [] }, baseline),
    /one Top2Diff and one correctness flag per image; got 1 and 0/,
  );
});
