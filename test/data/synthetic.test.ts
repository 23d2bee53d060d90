import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../src/core/errors.js';
import { makeSynthetic, syntheticClassNames } from '../../src/data/synthetic.js';
import { openDataset } from '../../src/data/registry.js';
import { channelStats } from '../../src/data/stats.js';

test('synthetic data is a function of the seed, with named, balanced classes', async () => {
  const a = makeSynthetic({ seed: 1, classes: 5 });
  assert.deepEqual(a, makeSynthetic({ seed: 1, classes: 5 }));
  assert.notDeepEqual(a.splits.train, makeSynthetic({ seed: 2, classes: 5 }).splits.train);
  assert.deepEqual(a.classNames, syntheticClassNames.slice(0, 5));
  assert.deepEqual(a.shape, [1, 16, 16]);
  const counts = new Array(5).fill(0);
  for (const l of a.splits.train!.labels) counts[l]++;
  assert.deepEqual(counts, [64, 64, 64, 64, 64]);
  assert.deepEqual(await openDataset('synthetic', { seed: 1, imageSize: 12 }), makeSynthetic({ seed: 1, size: 12 }));
});

test('synthetic classes are learnable: nearest class mean classifies the test split almost perfectly', () => {
  const ds = makeSynthetic({ seed: 3, classes: 10, channels: 3, size: 12 });
  const per = 3 * 12 * 12;
  const train = ds.splits.train!;
  const testSplit = ds.splits.test!;
  assert.ok(train.kind === 'memory' && testSplit.kind === 'memory');
  const means = Array.from({ length: 10 }, () => new Float64Array(per));
  train.labels.forEach((l, i) => {
    for (let p = 0; p < per; p++) means[l]![p]! += train.pixels[i * per + p]! / 64;
  });
  let correct = 0;
  testSplit.labels.forEach((l, i) => {
    const dist = means.map((m) => m.reduce((s, v, p) => s + (v - testSplit.pixels[i * per + p]!) ** 2, 0));
    if (dist.indexOf(Math.min(...dist)) === l) correct++;
  });
  assert.ok(correct / testSplit.size > 0.99, `accuracy ${correct / testSplit.size}`);
});

test('synthetic stats are computed from its training pixels; bad options are one-line errors', () => {
  const ds = makeSynthetic({ seed: 0 });
  const s = ds.splits.train!;
  assert.ok(s.kind === 'memory');
  assert.deepEqual(ds.stats, channelStats(s.pixels, ds.shape));
  assert.deepEqual(channelStats(Uint8Array.of(0, 255, 0, 255), [1, 2, 2]), { mean: [0.5], std: [0.5] });
  assert.throws(
    () => makeSynthetic({ classes: 11 }),
    (e: unknown) => e instanceof TgrError && /classes must be 2\.\.10/.test(e.message),
  );
});
