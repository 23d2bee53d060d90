import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { classCounts } from '../../src/data/dataset.js';
import { openDataset } from '../../src/data/registry.js';
import { channelStats } from '../../src/data/stats.js';

const debian = '/usr/share/datasets/fashion-mnist';
const skip = existsSync(debian) ? false : `${debian} is absent: install the Debian package dataset-fashion-mnist`;

test(
  'Fashion-MNIST from Debian’s dataset-fashion-mnist (needs /usr/share/datasets/fashion-mnist): 60,000 + 10,000 images, 6,000/1,000 per class',
  { skip },
  async () => {
    // No --data-dir and an empty cache: the Debian folder is found on its own.
    const ds = await openDataset('fashion-mnist', { cacheDir: '/nonexistent-tgr-cache' });
    assert.equal(ds.source, debian);
    assert.deepEqual(ds.shape, [1, 28, 28]);
    const train = ds.splits.train!;
    const testSplit = ds.splits.test!;
    assert.equal(train.size, 60_000);
    assert.equal(testSplit.size, 10_000);
    assert.deepEqual(classCounts(train.labels, 10), new Array(10).fill(6_000));
    assert.deepEqual(classCounts(testSplit.labels, 10), new Array(10).fill(1_000));
    assert.ok(train.kind === 'memory' && train.pixels.length === 60_000 * 784);
    // The normalisation constants the dataset declares are those of its own training pixels.
    const stats = channelStats(train.pixels, ds.shape);
    assert.equal(stats.mean[0]!.toFixed(3), ds.stats.mean[0]!.toFixed(3));
    assert.equal(stats.std[0]!.toFixed(3), ds.stats.std[0]!.toFixed(3));
  },
);
