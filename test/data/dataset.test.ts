import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../src/core/errors.js';
import { classCounts, getSplit, imageSize, splitNames, type Dataset } from '../../src/data/dataset.js';

const split = {
  kind: 'memory' as const,
  size: 2,
  labels: Int32Array.from([1, 0]),
  source: 'x',
  pixels: new Uint8Array(6),
};
const ds = (splits: Dataset['splits']): Dataset => ({
  name: 'tiny',
  classNames: ['a', 'b'],
  shape: [1, 1, 3],
  splits,
  stats: { mean: [0.5], std: [0.25] },
  augment: { padCrop: 0, flip: false },
  source: '/data/tiny',
});

test('splits are train and test, in that order', () => {
  assert.deepEqual(splitNames, ['train', 'test']);
});

test('getSplit returns a present split and names the ones there are when it is absent', () => {
  assert.equal(getSplit(ds({ test: split }), 'test'), split);
  const refused = (d: Dataset, message: string) =>
    assert.throws(
      () => getSplit(d, 'train'),
      (e) => e instanceof TgrError && e.code === 'bad_data' && e.message === message,
    );
  refused(ds({ test: split }), "tiny (/data/tiny) has no 'train' split; it has: test");
  refused(ds({}), "tiny (/data/tiny) has no 'train' split; it has: none");
});

test('classCounts counts each class, zero for a class with no image; imageSize is C·H·W', () => {
  assert.deepEqual(classCounts(Int32Array.from([2, 0, 2, 2]), 4), [1, 0, 3, 0]);
  assert.deepEqual(classCounts(new Int32Array(0), 2), [0, 0]);
  assert.equal(imageSize([3, 32, 24]), 2304);
});
