import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dims, layerNames, nodesOf, outShape, shapesOnly } from './backbone-layout.js';

const m = shapesOnly('mobilenet-v2', 32);
const attr = (node: string, name: string) => m.graph.nodes.find((n) => n.name === node)!.attrs[name];

test('MobileNetV2: stem, 17 inverted residuals, 1×1 to 1280, classifier.1: 52 convolutions and a Linear', () => {
  const layers = layerNames(m);
  assert.equal(layers.length, 53);
  assert.deepEqual(layers.slice(0, 6), [
    'features.0.0',
    'features.1.conv.0.0',
    'features.1.conv.1',
    'features.2.conv.0.0',
    'features.2.conv.1.0',
    'features.2.conv.2',
  ]);
  assert.deepEqual(layers.slice(-2), ['features.18.0', 'classifier.1']);
  assert.deepEqual(outShape(m, 'features.0.0'), ['N', 32, 16, 16]);
  assert.deepEqual(dims(m, 'features.18.0.weight'), [1280, 320, 1, 1]);
  assert.deepEqual(dims(m, 'classifier.1.weight'), [10, 1280]);
});

test('the first block (t = 1) has no expansion; others expand ×6, filter depthwise, project linearly', () => {
  assert.deepEqual(dims(m, 'features.1.conv.0.0.weight'), [32, 1, 3, 3]);
  assert.deepEqual(attr('features.1.conv.0.0', 'group'), { type: 'int', value: 32 });
  assert.deepEqual(dims(m, 'features.2.conv.0.0.weight'), [96, 16, 1, 1]);
  assert.deepEqual(attr('features.2.conv.1.0', 'group'), { type: 'int', value: 96 });
  assert.deepEqual(attr('features.2.conv.1.0', 'strides'), { type: 'ints', value: [2, 2] });
  assert.deepEqual(dims(m, 'features.2.conv.2.weight'), [24, 96, 1, 1]);
  // ReLU6 as Clip(0, 6) after every expansion and depthwise conv, none after the projection.
  assert.ok(nodesOf(m, 'Clip').includes('features.2.conv.1.2'));
  assert.ok(!nodesOf(m, 'Clip').some((n) => n.startsWith('features.2.conv.3')));
});

test('a residual sum wherever stride is 1 and channels match: 10 of the 17 blocks', () => {
  assert.deepEqual(nodesOf(m, 'Add'), [
    'features.3.add',
    'features.5.add',
    'features.6.add',
    'features.8.add',
    'features.9.add',
    'features.10.add',
    'features.12.add',
    'features.13.add',
    'features.15.add',
    'features.16.add',
  ]);
});
