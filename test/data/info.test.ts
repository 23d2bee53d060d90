import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset, MemorySplit } from '../../src/data/dataset.js';
import { describeDataset } from '../../src/data/info.js';

const split = (labels: number[]): MemorySplit => ({
  kind: 'memory',
  size: labels.length,
  labels: Int32Array.from(labels),
  source: 's',
  pixels: new Uint8Array(0),
});
const base: Dataset = {
  name: 'tiny',
  classNames: ['cat', 'hippopotamus'],
  shape: [3, 8, 8],
  splits: { train: split([0, 1, 1]), test: split([1]) },
  stats: { mean: [0.5, 0.25, 0.125], std: [0.2, 0.2, 1 / 3] },
  augment: { padCrop: 4, flip: true },
  source: '/data/tiny',
};

test('the header lines, then one aligned row per class with its count in each present split', () => {
  assert.equal(
    describeDataset(base),
    [
      'dataset  tiny',
      'source   /data/tiny',
      'shape    [3, 8, 8] (C, H, W)',
      'classes  2',
      'mean     [0.5000, 0.2500, 0.1250]',
      'std      [0.2000, 0.2000, 0.3333]',
      'images   train 3, test 1',
      '',
      '#  class           train   test',
      '0  cat                 1      0',
      '1  hippopotamus        2      1',
    ].join('\n'),
  );
});

test('only present splits are listed; the class column is at least "class" wide; superclasses get a line', () => {
  const ds: Dataset = {
    ...base,
    classNames: Array.from({ length: 11 }, (_, i) => `c${i}`),
    splits: { test: split([10, 10, 3]) },
    coarse: { classNames: ['small', 'big'], labels: {} },
  };
  const lines = describeDataset(ds).split('\n');
  assert.equal(lines[6], 'images   test 3');
  assert.equal(lines[7], 'coarse   2 superclasses: small, big');
  assert.equal(lines[9], ' #  class     test');
  assert.equal(lines[13], ' 3  c3           1');
  assert.equal(lines[20], '10  c10          2');
  assert.equal(lines.length, 21);
});
