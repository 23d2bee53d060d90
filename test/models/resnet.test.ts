import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dims, layerNames, nodesOf, outShape, shapesOnly } from './backbone-layout.js';

test('ResNet-18: 7×7/2 stem and max pool, BasicBlocks 2-2-2-2, a 1×1 downsample where a stage starts', () => {
  const m = shapesOnly('resnet18', 32);
  assert.deepEqual(layerNames(m), [
    'conv1',
    'layer1.0.conv1',
    'layer1.0.conv2',
    'layer1.1.conv1',
    'layer1.1.conv2',
    'layer2.0.conv1',
    'layer2.0.conv2',
    'layer2.0.downsample.0',
    'layer2.1.conv1',
    'layer2.1.conv2',
    'layer3.0.conv1',
    'layer3.0.conv2',
    'layer3.0.downsample.0',
    'layer3.1.conv1',
    'layer3.1.conv2',
    'layer4.0.conv1',
    'layer4.0.conv2',
    'layer4.0.downsample.0',
    'layer4.1.conv1',
    'layer4.1.conv2',
    'fc',
  ]);
  assert.deepEqual(nodesOf(m, 'MaxPool'), ['maxpool']);
  assert.equal(nodesOf(m, 'Add').length, 8, 'one residual sum per block');
  assert.deepEqual(dims(m, 'conv1.weight'), [64, 3, 7, 7]);
  assert.deepEqual(outShape(m, 'conv1'), ['N', 64, 16, 16]);
  assert.deepEqual(outShape(m, 'maxpool'), ['N', 64, 8, 8]);
  assert.deepEqual(dims(m, 'layer2.0.downsample.0.weight'), [128, 64, 1, 1]);
  assert.deepEqual(outShape(m, 'layer4.1.conv2'), ['N', 512, 1, 1]);
  assert.deepEqual(dims(m, 'fc.weight'), [10, 512]);
  assert.equal(dims(m, 'conv1.bias'), undefined, 'convolutions before BN have no bias');
});

test('ResNet-50: Bottlenecks 3-4-6-3 (1×1, 3×3 carrying the stride, 1×1 ×4), downsample in every first block', () => {
  const m = shapesOnly('resnet50', 32);
  const layers = layerNames(m);
  assert.equal(layers.length, 54);
  assert.deepEqual(
    layers.filter((n) => n.includes('downsample')),
    ['layer1.0.downsample.0', 'layer2.0.downsample.0', 'layer3.0.downsample.0', 'layer4.0.downsample.0'],
  );
  assert.deepEqual(
    ['layer1.0.conv1', 'layer1.0.conv2', 'layer1.0.conv3'].map((n) => dims(m, `${n}.weight`)),
    [
      [64, 64, 1, 1],
      [64, 64, 3, 3],
      [256, 64, 1, 1],
    ],
  );
  // "v1.5": the stride sits on the 3×3.
  assert.deepEqual(outShape(m, 'layer2.0.conv1'), ['N', 128, 8, 8]);
  assert.deepEqual(outShape(m, 'layer2.0.conv2'), ['N', 128, 4, 4]);
  assert.deepEqual(dims(m, 'fc.weight'), [10, 2048]);
});

test('ResNet-34, -101 and -152 repeat their stages 3-4-6-3, 3-4-23-3 and 3-8-36-3', () => {
  const blocks = (name: string) =>
    [1, 2, 3, 4].map(
      (s) =>
        new Set(
          layerNames(shapesOnly(name, 32))
            .filter((n) => n.startsWith(`layer${s}.`))
            .map((n) => n.split('.')[1]),
        ).size,
    );
  assert.deepEqual(blocks('resnet34'), [3, 4, 6, 3]);
  assert.deepEqual(blocks('resnet101'), [3, 4, 23, 3]);
  assert.deepEqual(blocks('resnet152'), [3, 8, 36, 3]);
});
