import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../src/core/errors.js';
import { datasets, datasetSource, openDataset } from '../../src/data/registry.js';

test('every dataset has a summary; every download names an http(s) URL and a 32-hex-digit MD5', () => {
  for (const [name, source] of Object.entries(datasets)) {
    assert.ok(source.summary.length > 10, name);
    for (const f of ('download' in source && source.download) || []) {
      assert.match(f.url, /^https?:\/\/[^/]+\/.+/, name);
      assert.match(f.md5, /^[0-9a-f]{32}$/, name);
    }
  }
  assert.deepEqual(
    datasetSource('fashion-mnist').download!.map((f) => f.url.split('/').pop()),
    [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ],
  );
});

test('every dataset either opens or fails with a one-line TgrError when its files are absent', async () => {
  for (const name of Object.keys(datasets)) {
    try {
      await openDataset(name, { dataDir: '/nonexistent', imageSize: 8 });
      assert.equal(name, 'synthetic', `${name} opened from nothing`);
    } catch (e) {
      assert.ok(e instanceof TgrError && !e.message.includes('\n'), `${name}: ${String(e)}`);
      assert.match(e.message, /nonexistent/, name);
    }
  }
  await assert.rejects(
    openDataset('cifar-10'),
    /unknown dataset 'cifar-10'; choose one of: fashion-mnist, mnist, cifar10/,
  );
});
