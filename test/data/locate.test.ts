import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot, datasetCacheDir, locateDataset } from '../../src/data/locate.js';
import { defaultCacheDir } from '../../src/text/class-embeddings.js';

const root = mkdtempSync(join(tmpdir(), 'tgr-locate-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const layout = { marker: ['data.bin', 'data.bin.gz'], subdirs: ['unpacked'], systemDirs: [join(root, 'system')] };

test('cacheRoot and datasetCacheDir: an explicit folder first', () => {
  assert.equal(cacheRoot('/c'), '/c');
  assert.equal(datasetCacheDir('cifar10', '/c'), '/c/datasets/cifar10');
});

test('locateDataset: --data-dir or its sub-folder, else the cache, else system folders; any marker counts', () => {
  const cache = join(root, 'cache');
  mkdirSync(join(root, 'system', 'unpacked'), { recursive: true });
  writeFileSync(join(root, 'system', 'unpacked', 'data.bin.gz'), '');
  assert.equal(locateDataset('toy', layout, { cacheDir: cache }), join(root, 'system', 'unpacked'));
  mkdirSync(join(cache, 'datasets', 'toy'), { recursive: true });
  writeFileSync(join(cache, 'datasets', 'toy', 'data.bin'), '');
  assert.equal(locateDataset('toy', layout, { cacheDir: cache }), join(cache, 'datasets', 'toy'));
  assert.equal(locateDataset('toy', layout, { dataDir: join(root, 'system') }), join(root, 'system', 'unpacked'));
});

test('locateDataset: a miss names every folder tried and what to do', () => {
  const empty = join(root, 'empty');
  assert.throws(() => locateDataset('toy', layout, { dataDir: empty }), {
    code: 'bad_data',
    message: `toy: no data.bin or data.bin.gz found in ${empty}, ${join(empty, 'unpacked')}; point --data-dir at the folder holding it`,
  });
  const cache = join(root, 'nocache');
  assert.throws(() => locateDataset('toy', { ...layout, systemDirs: [] }, { cacheDir: cache }), {
    message: `toy: no data.bin or data.bin.gz found in ${join(cache, 'datasets', 'toy')}, ${join(cache, 'datasets', 'toy', 'unpacked')}; run 'tgr data fetch toy' or pass --data-dir DIR`,
  });
});

test('the cache root: an explicit folder, else $TGR_CACHE, else ~/.cache/tgr; an empty $TGR_CACHE counts as unset', () => {
  const saved = process.env.TGR_CACHE;
  try {
    process.env.TGR_CACHE = '/tmp/tgr-cache-x';
    assert.equal(cacheRoot('/tmp/explicit'), '/tmp/explicit');
    assert.equal(cacheRoot(), '/tmp/tgr-cache-x');
    assert.equal(defaultCacheDir(), '/tmp/tgr-cache-x');
    process.env.TGR_CACHE = '';
    assert.equal(cacheRoot(), join(homedir(), '.cache', 'tgr'));
    assert.equal(defaultCacheDir(), cacheRoot());
  } finally {
    if (saved === undefined) delete process.env.TGR_CACHE;
    else process.env.TGR_CACHE = saved;
  }
});
