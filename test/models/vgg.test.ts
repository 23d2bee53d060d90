import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dims, layerNames, nodesOf, outShape, shapesOnly } from './backbone-layout.js';

test("VGG-11-BN: eight conv/BN/ReLU triples and five pools numbered as torchvision's features, then three Linears", () => {
  const m = shapesOnly('vgg11-bn', 32);
  assert.deepEqual(layerNames(m), [
    'features.0',
    'features.4',
    'features.8',
    'features.11',
    'features.15',
    'features.18',
    'features.22',
    'features.25',
    'classifier.0',
    'classifier.3',
    'classifier.6',
  ]);
  assert.deepEqual(nodesOf(m, 'MaxPool'), ['features.3', 'features.7', 'features.14', 'features.21', 'features.28']);
  assert.deepEqual(nodesOf(m, 'BatchNormalization').slice(0, 3), ['features.1', 'features.5', 'features.9']);
  assert.deepEqual(dims(m, 'features.0.bias'), [64], 'VGG convolutions have a bias');
  assert.deepEqual(outShape(m, 'features.25'), ['N', 512, 2, 2]);
  // Five pools take 32 to 1; avgpool leaves the 1×1 map as it is, so the first Linear reads 512 features.
  assert.deepEqual(dims(m, 'classifier.0.weight'), [4096, 512]);
  assert.deepEqual(dims(m, 'classifier.6.weight'), [10, 4096]);
});

test('VGG-16-BN and VGG-19-BN: 13 and 16 convolutions, the last at features.40 and features.49', () => {
  const convs = (name: string) => layerNames(shapesOnly(name, 32)).filter((n) => n.startsWith('features.'));
  const v16 = convs('vgg16-bn');
  const v19 = convs('vgg19-bn');
  assert.deepEqual([v16.length, v16.at(-1)], [13, 'features.40']);
  assert.deepEqual([v19.length, v19.at(-1)], [16, 'features.49']);
});
