import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dims, layerNames, nodesOf, outShape, shapesOnly } from './backbone-layout.js';

test('ResNet-20: 3×3 stem at 16 channels, three stages of three BasicBlocks at 16/32/64, fc: 20 layers', () => {
  const m = shapesOnly('resnet20', 32);
  const layers = layerNames(m);
  assert.equal(layers.length, 20);
  assert.deepEqual(
    [layers[0], layers[1], layers[7], layers[13], layers[19]],
    ['conv1', 'layer1.0.conv1', 'layer2.0.conv1', 'layer3.0.conv1', 'fc'],
  );
  assert.deepEqual(nodesOf(m, 'MaxPool'), [], 'no stem pool on CIFAR');
  assert.deepEqual(dims(m, 'conv1.weight'), [16, 3, 3, 3]);
  assert.deepEqual(outShape(m, 'layer1.2.conv2'), ['N', 16, 32, 32]);
  assert.deepEqual(outShape(m, 'layer2.0.conv1'), ['N', 32, 16, 16]);
  assert.deepEqual(outShape(m, 'layer3.2.conv2'), ['N', 64, 8, 8]);
  assert.deepEqual(dims(m, 'fc.weight'), [10, 64]);
  assert.equal(nodesOf(m, 'Add').length, 9);
});

test('option-A shortcuts: every other pixel, channels zero-padded planes/4 each side, no parameters and no layer', () => {
  const m = shapesOnly('resnet20', 32);
  assert.ok(!layerNames(m).some((n) => n.includes('shortcut') || n.includes('downsample')));
  assert.deepEqual(nodesOf(m, 'Pad'), ['layer2.0.shortcut', 'layer3.0.shortcut']);
  assert.deepEqual(nodesOf(m, 'Slice'), ['layer2.0.shortcut.subsample', 'layer3.0.shortcut.subsample']);
  const pad = m.graph.nodes.find((n) => n.name === 'layer2.0.shortcut')!;
  assert.deepEqual(
    [...(m.graph.initializers.get(pad.inputs[1]!)!.data as BigInt64Array)].map(Number),
    [0, 8, 0, 0, 0, 8, 0, 0],
  );
  assert.deepEqual(outShape(m, 'layer2.0.shortcut.subsample'), ['N', 16, 16, 16]);
  assert.deepEqual(outShape(m, 'layer3.0.shortcut'), ['N', 64, 8, 8]);
  assert.ok(![...m.graph.initializers.keys()].some((k) => k.includes('shortcut.weight')));
});

test('ResNet-32 and ResNet-56 have (depth − 2)/6 blocks per stage: 32 and 56 layers', () => {
  for (const depth of [32, 56]) {
    const layers = layerNames(shapesOnly(`resnet${depth}`, 32));
    assert.equal(layers.length, depth);
    assert.equal(layers.at(-2), `layer3.${(depth - 2) / 6 - 1}.conv2`);
  }
});
