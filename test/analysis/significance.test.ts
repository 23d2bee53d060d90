import { test } from 'node:test';
import assert from 'node:assert/strict';
import { significance } from '../../src/analysis/significance.js';
import { pairedBootstrapAccuracyDiff } from '../../src/analysis/stats/paired-bootstrap.js';
import { Rng } from '../../src/core/rng.js';
import type { GoldenRun } from '../../src/faults/store/records.js';

/** The three fields significance() reads of a golden run. */
const golden = (preds: number[], top2diff: number[]): GoldenRun =>
  ({ labels: [0, 1, 2, 0, 1, 2], preds, top2diff }) as unknown as GoldenRun;

// Baseline right on images 0–4, barely (Top2Diff 2); text-guided right on 0–3, confidently (Top2Diff 20).
const baseline = golden([0, 1, 2, 0, 1, 0], [2, 2, 2, 2, 2, 0]);
const textGuided = golden([0, 1, 2, 0, 0, 0], [20, 20, 20, 20, 1, 0]);

test('the paired table and McNemar come from both runs, baseline first', () => {
  const s = significance(baseline, textGuided, { resamples: 10 });
  assert.deepEqual(s.table, { bothCorrect: 4, onlyFirst: 1, onlySecond: 0, bothWrong: 1 });
  // One discordant image: exact p = min(1, 2·P(X ≤ 0)) with X ~ Bin(1, ½) = 1; mid-p = 1 − ½.
  assert.deepEqual(s.mcnemar, { onlyFirst: 1, onlySecond: 0, pValue: 1, midPValue: 0.5 });
});

test('the bootstrap is accuracy(text-guided) − accuracy(baseline), seeded, and says its seed', () => {
  const s = significance(baseline, textGuided, { resamples: 200, seed: 5 });
  assert.equal(s.bootstrap.difference, -1 / 6);
  assert.equal(s.bootstrap.seed, 5);
  assert.equal(s.bootstrap.resamples, 200);
  const t = [true, true, true, true, false, false];
  const b = [true, true, true, true, true, false];
  const direct = pairedBootstrapAccuracyDiff(t, b, new Rng(5), { resamples: 200 });
  assert.deepEqual(s.bootstrap, { ...direct, seed: 5 });
  assert.deepEqual(significance(baseline, textGuided, { resamples: 200, seed: 5 }).bootstrap, s.bootstrap);
  // Defaults: seed 0 and 2000 resamples.
  const d = significance(baseline, textGuided);
  assert.equal(d.bootstrap.seed, 0);
  assert.equal(d.bootstrap.resamples, 2000);
});

test('the Top2Diff sweep runs δ = 0..40 and the crossing is interpolated between δ = 2 and 3', () => {
  const s = significance(baseline, textGuided, { resamples: 10 });
  assert.deepEqual(
    s.sweep.map((p) => p.delta),
    Array.from({ length: 41 }, (_, i) => i),
  );
  assert.deepEqual(s.sweep[0], { delta: 0, first: 5 / 6, second: 4 / 6 });
  assert.deepEqual(s.sweep[2], { delta: 2, first: 5 / 6, second: 4 / 6 });
  assert.deepEqual(s.sweep[3], { delta: 3, first: 0, second: 4 / 6 });
  assert.deepEqual(s.sweep[21], { delta: 21, first: 0, second: 0 });
  // Gap −1/6 at δ = 2, +4/6 at δ = 3: zero at 2 + (1/6) / (5/6).
  assert.ok(Math.abs(s.crossing! - 2.2) < 1e-12, `crossing ${s.crossing}`);
});

test('no crossing when the text-guided model never catches up; δ = 0 when it is never behind', () => {
  const sure = golden([0, 1, 2, 0, 1, 0], [50, 50, 50, 50, 50, 0]);
  const behind = golden([0, 1, 2, 1, 0, 0], [45, 45, 45, 0, 0, 0]);
  assert.equal(significance(sure, behind, { resamples: 10 }).crossing, null);
  assert.equal(significance(textGuided, textGuided, { resamples: 10 }).crossing, 0);
});
