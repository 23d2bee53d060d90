import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { buildModel } from '../../../src/models/registry.js';
import { camLayer } from '../../../src/analysis/cam/cam-layer.js';
import { tinyCnn } from '../fixtures.js';

test('ResNet-20: the map is taken at the last block output, the ReLU after layer3.2.add', () => {
  for (const head of ['linear', 'text-guided'] as const) {
    const m = buildModel({ backbone: 'resnet20', head, inputShape: [1, 28, 28], numClasses: 10, embedDim: 8 });
    const at = camLayer(m);
    assert.equal(at.rule, 'block');
    const node = m.graph.nodes.find((n) => n.outputs.includes(at.tensor))!;
    const add = m.graph.nodes.find((n) => n.name === 'layer3.2.add')!;
    assert.equal(node.opType, 'Relu');
    assert.deepEqual(node.inputs, add.outputs);
    // Nothing but global pooling lies between the block output and the head.
    assert.deepEqual(
      m.graph.nodes.filter((n) => n.inputs.includes(at.tensor)).map((n) => n.opType),
      ['GlobalAveragePool'],
    );
  }
});

test('without a residual add the last Conv output is used; an add of a weight is not a residual add', () => {
  assert.deepEqual(camLayer(tinyCnn('fc', 1)), { tensor: 'conv2', rule: 'conv' });
  const b = new GraphBuilder('biased');
  const x = b.input('input', 'float32', ['N', 1, 4, 4]);
  const c = b.conv(x, b.initializer('w', f32([2, 1, 1, 1], [1, 2])), undefined, { name: 'conv' });
  const y = b.add(c, b.initializer('bias', f32([1, 2, 1, 1], [0, 1])), { name: 'bias' });
  b.output(b.flatten(b.globalAveragePool(y)), 'logits');
  assert.deepEqual(camLayer(b.finishModel()), { tensor: 'conv', rule: 'conv' });
});

test('an add without an activation after it (MobileNetV2) is the block output itself', () => {
  const b = new GraphBuilder('inverted');
  const x = b.input('input', 'float32', ['N', 2, 4, 4]);
  const c0 = b.conv(x, b.initializer('w0', f32([2, 2, 1, 1], [1, 0, 0, 1])), undefined, { name: 'stem' });
  const c = b.conv(b.relu(c0), b.initializer('w', f32([2, 2, 1, 1], [1, 0, 0, 1])), undefined, { name: 'conv' });
  const s = b.add(c0, c, { name: 'block.add' });
  const late = b.conv(s, b.initializer('w2', f32([2, 2, 1, 1], [1, 0, 0, 1])), undefined, { name: 'late' });
  b.output(b.flatten(b.globalAveragePool(b.relu(late))), 'logits');
  assert.deepEqual(camLayer(b.finishModel()), { tensor: 'block.add', rule: 'block' });
});
