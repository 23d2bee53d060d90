import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TgrError } from '../../src/core/errors.js';
import { parseIdx, readIdxSplit } from '../../src/data/idx.js';
import { openDataset } from '../../src/data/registry.js';
import { idxBytes, tempDir, writeIdxDataset } from './fixtures.js';

const dir = tempDir('idx');

for (const gzip of [false, true]) {
  test(`idx ${gzip ? 'gzipped' : 'raw'}: reads back exactly the pixels and labels written`, async () => {
    const d = join(dir, gzip ? 'gz' : 'raw');
    const written = writeIdxDataset(d, { gzip, n: { train: 7, t10k: 3 }, side: 5 });
    const ds = await openDataset('mnist', { dataDir: d });
    assert.deepEqual(ds.shape, [1, 5, 5]);
    assert.equal(ds.classNames.length, 10);
    for (const [split, prefix] of [
      ['train', 'train'],
      ['test', 't10k'],
    ] as const) {
      const s = ds.splits[split]!;
      assert.equal(s.kind, 'memory');
      assert.equal(s.size, written[prefix].labels.length);
      assert.deepEqual(s.kind === 'memory' && s.pixels, written[prefix].pixels);
      assert.deepEqual(Array.from(s.labels), Array.from(written[prefix].labels));
    }
  });
}

test('fashion-mnist names its classes and finds its files through --data-dir', async () => {
  const d = join(dir, 'fashion');
  writeIdxDataset(d, { gzip: true, n: { train: 2, t10k: 2 } });
  const ds = await openDataset('fashion-mnist', { dataDir: d });
  assert.deepEqual(ds.classNames, [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ]);
  assert.equal(ds.augment.flip, true);
  assert.equal((await openDataset('mnist', { dataDir: d })).augment.flip, false, 'digits are not mirrored');
});

/** Runs `fn`, expecting a one-line TgrError whose message matches every pattern. */
function throwsOneLine(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TgrError, String(e));
    assert.ok(!e.message.includes('\n'), 'one line');
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

test('idx: a truncated file is a one-line error naming it and the sizes', () => {
  const f = join(dir, 'short-idx3-ubyte');
  const full = idxBytes([3, 4, 4], new Uint8Array(48));
  writeFileSync(f, full.subarray(0, full.length - 5));
  throwsOneLine(
    () => parseIdx(full.subarray(0, full.length - 5), f),
    /short-idx3-ubyte/,
    /\[3×4×4\] = 48 bytes/,
    /found 43/,
    /truncated/,
  );
  throwsOneLine(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0]), f), /short-idx3-ubyte/, /header/);
  throwsOneLine(() => parseIdx(new Uint8Array([0x50, 0x4b, 3, 4]), f), /not an idx file/);
  throwsOneLine(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 0]), f), /element type 0xd/);
});

test('idx: a truncated gzip, a label out of range, and mismatched counts are one-line errors naming the file', () => {
  const images = join(dir, 'i-idx3-ubyte.gz');
  const labels = join(dir, 'l-idx1-ubyte');
  const gz = gzipSync(idxBytes([2, 4, 4], new Uint8Array(32)));
  writeFileSync(images, gz.subarray(0, gz.length - 12));
  writeFileSync(labels, idxBytes([2], Uint8Array.of(1, 2)));
  throwsOneLine(() => readIdxSplit(images, labels, 10), /i-idx3-ubyte\.gz/, /gzip data is corrupt or truncated/);
  writeFileSync(images, gz);
  writeFileSync(labels, idxBytes([2], Uint8Array.of(1, 12)));
  throwsOneLine(() => readIdxSplit(images, labels, 10), /l-idx1-ubyte/, /label 12 at record 1 is out of range 0\.\.9/);
  writeFileSync(labels, idxBytes([3], Uint8Array.of(1, 2, 3)));
  throwsOneLine(() => readIdxSplit(images, labels, 10), /l-idx1-ubyte/, /expected 2 labels/);
});

test('idx: a folder without the files says where it looked and how to get them', async () => {
  await assert.rejects(openDataset('fashion-mnist', { dataDir: join(dir, 'empty') }), (e: unknown) => {
    assert.ok(e instanceof TgrError);
    assert.match(e.message, /fashion-mnist: no t10k-labels-idx1-ubyte\.gz or .* found in .*empty.*; point --data-dir/);
    return true;
  });
});
