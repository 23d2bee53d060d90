import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TgrError } from '../../src/core/errors.js';
import { readCifarFiles } from '../../src/data/cifar.js';
import { describeDataset } from '../../src/data/info.js';
import { openDataset } from '../../src/data/registry.js';
import { cifarRecords, tempDir } from './fixtures.js';

const dir = tempDir('cifar');
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join('\n') + '\n\n';

test('CIFAR-10: data_batch_1..N are joined in numeric order and read back exactly', async () => {
  const d = join(dir, 'c10', 'cifar-10-batches-bin');
  mkdirSync(d, { recursive: true });
  // Written out of order, with batch 10 to check numeric rather than text order.
  const b1 = cifarRecords([[3], [9]], 0);
  const b2 = cifarRecords([[0]], 10);
  const b10 = cifarRecords([[5], [1], [2]], 20);
  const t = cifarRecords([[7], [4]], 30);
  writeFileSync(join(d, 'data_batch_10.bin'), b10.bytes);
  writeFileSync(join(d, 'data_batch_2.bin'), b2.bytes);
  writeFileSync(join(d, 'data_batch_1.bin'), b1.bytes);
  writeFileSync(join(d, 'test_batch.bin'), t.bytes);
  writeFileSync(join(d, 'batches.meta.txt'), names('c', 10));
  // The data dir may be the archive's parent: the sub-folder is found.
  const ds = await openDataset('cifar10', { dataDir: join(dir, 'c10') });
  assert.deepEqual(ds.shape, [3, 32, 32]);
  assert.deepEqual(ds.classNames, names('c', 10).trim().split('\n'));
  const train = ds.splits.train!;
  const test = ds.splits.test!;
  assert.deepEqual(Array.from(train.labels), [3, 9, 0, 5, 1, 2]);
  assert.deepEqual(Array.from(test.labels), [7, 4]);
  assert.ok(train.kind === 'memory' && test.kind === 'memory');
  assert.deepEqual(train.pixels, Uint8Array.from([...b1.pixels, ...b2.pixels, ...b10.pixels]));
  assert.deepEqual(test.pixels, t.pixels);
});

test('CIFAR-100: fine labels are the labels, coarse ones ride along, both name lists are read', async () => {
  const d = join(dir, 'c100');
  mkdirSync(d, { recursive: true });
  const tr = cifarRecords(
    [
      [19, 99],
      [0, 0],
      [4, 50],
    ],
    0,
  );
  const te = cifarRecords([[7, 3]], 5);
  writeFileSync(join(d, 'train.bin'), tr.bytes);
  writeFileSync(join(d, 'test.bin'), te.bytes);
  writeFileSync(join(d, 'fine_label_names.txt'), names('f', 100));
  writeFileSync(join(d, 'coarse_label_names.txt'), names('k', 20));
  const ds = await openDataset('cifar100', { dataDir: d });
  assert.equal(ds.classNames.length, 100);
  assert.equal(ds.classNames[99], 'f99');
  assert.deepEqual(Array.from(ds.splits.train!.labels), [99, 0, 50]);
  assert.deepEqual(Array.from(ds.coarse!.labels.train!), [19, 0, 4]);
  assert.deepEqual(Array.from(ds.coarse!.labels.test!), [7]);
  assert.equal(ds.coarse!.classNames[19], 'k19');
  const s = ds.splits.test!;
  assert.deepEqual(s.kind === 'memory' && s.pixels, te.pixels);
  assert.match(describeDataset(ds), /^coarse {3}20 superclasses: k0, k1, .*, k19$/m);
});

test('CIFAR: a wrong-size file, a label out of range, and a short name list are one-line errors naming the file', () => {
  const f = join(dir, 'bad.bin');
  const oneLine = (re: RegExp) => (e: unknown) =>
    e instanceof TgrError && !e.message.includes('\n') && re.test(e.message);
  writeFileSync(f, cifarRecords([[1], [2]], 0).bytes.subarray(0, 3073 + 100));
  assert.throws(
    () => readCifarFiles([f], 1, { fine: 10, coarse: 10 }),
    oneLine(/bad\.bin: expected a multiple of 3073 bytes; found 3173 bytes .* truncated/),
  );
  writeFileSync(f, cifarRecords([[1], [10]], 0).bytes);
  assert.throws(
    () => readCifarFiles([f], 1, { fine: 10, coarse: 10 }),
    oneLine(/bad\.bin: label 10 at record 1 is out of range 0\.\.9/),
  );
  writeFileSync(f, cifarRecords([[20, 1]], 0).bytes);
  assert.throws(
    () => readCifarFiles([f], 2, { fine: 100, coarse: 20 }),
    oneLine(/bad\.bin: label 20 at record 0 is out of range 0\.\.19/),
  );
  const d = join(dir, 'c10', 'cifar-10-batches-bin');
  writeFileSync(join(d, 'batches.meta.txt'), names('c', 9));
  return assert.rejects(
    openDataset('cifar10', { dataDir: d }),
    oneLine(/batches\.meta\.txt: expected 10 class names, one per line; found 9/),
  );
});
