import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanCorrectTop2diff, top2diffSweep, defaultDeltas } from '../../src/analysis/top2diff-sweep.js';

// Five images: three correct with margins 2, 15, 40; two wrong (their margins must never count).
const tiny = { labels: [0, 1, 2, 0, 1], preds: [0, 1, 2, 1, 0], top2diff: [2, 15, 40, 90, 5] };

test('sweep: excluded correct images count as wrong, denominator stays all images (hand-computed)', () => {
  const pts = top2diffSweep(tiny, [0, 2, 3, 15, 16, 40, 41]);
  assert.deepEqual(pts, [
    { delta: 0, accuracy: 3 / 5 },
    { delta: 2, accuracy: 3 / 5 }, // a margin equal to δ is not below it: it stays
    { delta: 3, accuracy: 2 / 5 },
    { delta: 15, accuracy: 2 / 5 },
    { delta: 16, accuracy: 1 / 5 },
    { delta: 40, accuracy: 1 / 5 },
    { delta: 41, accuracy: 0 },
  ]);
});

test('sweep: default deltas are 0..40 and the curve never rises', () => {
  assert.equal(defaultDeltas.length, 41);
  const pts = top2diffSweep(tiny);
  assert.equal(pts[0]!.accuracy, 0.6);
  for (let i = 1; i < pts.length; i++) assert.ok(pts[i]!.accuracy <= pts[i - 1]!.accuracy);
});

test('mean Top2Diff over correct images only', () => {
  assert.equal(meanCorrectTop2diff(tiny), (2 + 15 + 40) / 3);
  assert.ok(Number.isNaN(meanCorrectTop2diff({ labels: [1], preds: [0], top2diff: [9] })));
});

test('sweep names the mismatch when arrays differ', () => {
  assert.throws(() => top2diffSweep({ labels: [0, 1], preds: [0], top2diff: [1, 2] }), /one label, prediction and Top2Diff per image; got 2, 1, 2/);
});
