import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareHeads, datasetLayouts } from '../../src/models/compare.js';

test('compareHeads: ResNet-20 on CIFAR-10, both heads counted (the head adds F·E+E + C·E + 1 − (F·C+C))', () => {
  const { inputShape, numClasses } = datasetLayouts.cifar10;
  assert.deepEqual(compareHeads('resnet20', inputShape, numClasses, 512), {
    backbone: 'resnet20',
    linear: { params: 269_722, macs: 40_551_040 },
    textGuided: { params: 269_722 + 37_751, macs: 40_588_288 },
  });
  // E = 64: 64·64+64 + 10·64 + 1 − 650 = 4,151 more parameters.
  const small = compareHeads('resnet20', inputShape, numClasses, 64);
  assert.ok('textGuided' in small);
  assert.equal(small.textGuided.params - small.linear.params, 4_151);
});

test('compareHeads: an input too small for the backbone is reported with the reason, not thrown', () => {
  assert.deepEqual(compareHeads('alexnet', [3, 32, 32], 10, 512), {
    backbone: 'alexnet',
    unavailable:
      "alexnet: a 3×32×32 input is too small: 'features.12' would output 0×0; resize the images larger or pick a backbone made for small inputs (resnet20, vit-tiny)",
  });
});

test('compareHeads: an unknown backbone is not a size problem: it throws, listing the backbones', () => {
  assert.throws(() => compareHeads('resnet-7', [3, 32, 32], 10, 512), { code: 'unknown_name' });
});
