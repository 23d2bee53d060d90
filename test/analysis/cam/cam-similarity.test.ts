import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/core/rng.js';
import { pearson, similarityStats } from '../../../src/analysis/cam/cam-similarity.js';

test('Pearson: exactly 1 for the same map at any scale, −1 reversed, null for a flat map', () => {
  const a = Float32Array.from([0.1, 0.7, 0.3, 0.9, 0.25, 0.6]);
  assert.equal(pearson(a, a), 1);
  assert.equal(pearson([0, 1, 2, 3], [0, 2, 4, 6]), 1);
  assert.equal(pearson([0, 1, 2, 3], [3, 2, 1, 0]), -1);
  // x = (−1, 1, −1, 1) and y = (−1, −1, 1, 1) around their means: Σxy = 0.
  assert.equal(pearson([0, 2, 0, 2], [0, 0, 2, 2]), 0);
  assert.equal(pearson([0, 0, 0], [1, 2, 3]), null);
  assert.equal(pearson([1, NaN, 3], [1, 2, 3]), null);
  assert.throws(() => pearson([1, 2], [1, 2, 3]), /maps of 2 and 3 values cannot be compared/);
});

test('bootstrap: identical similarities give a point interval; each interval holds its mean', () => {
  const ones = new Array(50).fill(1);
  const s = similarityStats(ones, ones, new Rng(0), { resamples: 200, confidence: 0.99 })!;
  assert.deepEqual(s.baseline, { mean: 1, lower: 1, upper: 1, n: 50 });
  assert.deepEqual(s.difference, { mean: 0, lower: 0, upper: 0, n: 50 });

  const rng = new Rng(3);
  const b = Array.from({ length: 60 }, () => 0.5 + 0.5 * rng.next());
  const t = b.map((x) => Math.min(1, x + 0.2 * rng.next()));
  const r = similarityStats(b, t, new Rng(1), { resamples: 2000, confidence: 0.99 })!;
  for (const m of [r.baseline, r.textGuided, r.difference]) {
    assert.ok(m.lower < m.mean && m.mean < m.upper, JSON.stringify(m));
    assert.equal(m.n, 60);
  }
  // t ≥ b on every image, so every resampled mean difference is ≥ 0.
  assert.ok(r.difference.lower > 0);
  assert.equal(r.difference.mean, t.reduce((s, x, i) => s + (x - b[i]!), 0) / 60);
  // Same seed, same interval.
  assert.deepEqual(similarityStats(b, t, new Rng(1), { resamples: 2000, confidence: 0.99 }), r);
});

test('images with an undefined similarity in either model are left out of all three; none left gives null', () => {
  const s = similarityStats([1, null, 0.5], [0.5, 1, null], new Rng(0), { resamples: 10, confidence: 0.99 })!;
  assert.deepEqual(s.baseline, { mean: 1, lower: 1, upper: 1, n: 1 });
  assert.deepEqual(s.difference, { mean: -0.5, lower: -0.5, upper: -0.5, n: 1 });
  assert.equal(similarityStats([null], [1], new Rng(0), { resamples: 10, confidence: 0.99 }), null);
  assert.throws(
    () => similarityStats([1], [1, 1], new Rng(0), { resamples: 10, confidence: 0.99 }),
    /one value per image for both models; got 1 and 2/,
  );
});
