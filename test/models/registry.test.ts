import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { backbones, buildModel } from '../../src/models/registry.js';
import type { ModelSpec } from '../../src/models/spec.js';
import { TgrError } from '../../src/core/errors.js';

/** The smallest inputs that fit: AlexNet's pools need 63×63; MaxViT-T's partition side 7 every block map. */
const sides: Record<string, number> = { alexnet: 64, 'maxvit-t': 224 };
const spec = (backbone: string, more: Partial<ModelSpec> = {}): ModelSpec => ({
  backbone,
  head: 'linear',
  inputShape: [3, sides[backbone] ?? 32, sides[backbone] ?? 32],
  numClasses: 10,
  ...more,
});
const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TgrError, String(e));
    return e.message;
  }
  assert.fail('no error');
};

test('registered backbones, in table order', () => {
  assert.deepEqual(Object.keys(backbones), [
    'alexnet',
    'vgg11-bn',
    'vgg16-bn',
    'vgg19-bn',
    'resnet18',
    'resnet34',
    'resnet50',
    'resnet101',
    'resnet152',
    'resnet20',
    'resnet32',
    'resnet56',
    'mobilenet-v2',
    'vit-tiny',
    'vit-small',
    'swin-v2-t',
    'swin-v2-s',
    'focalnet-t',
    'focalnet-s',
    'focalnet-t-lrf',
    'focalnet-s-lrf',
    'maxvit-t',
  ]);
});

test('an unknown backbone or head names what exists', () => {
  assert.equal(
    message(() => buildModel(spec('resnet21'))),
    `unknown backbone 'resnet21'; choose one of: ${Object.keys(backbones).join(', ')}`,
  );
  assert.equal(
    message(() => buildModel(spec('resnet20', { head: 'cosine' as 'linear' }))),
    "unknown head 'cosine'; choose one of: linear, text-guided",
  );
});

test('a malformed spec is reported field by field', () => {
  assert.equal(
    message(() => buildModel(spec('resnet20', { inputShape: [3, 32] as never }))),
    'model spec: inputShape is [3,32]; expected [C, H, W] of positive integers',
  );
  assert.equal(
    message(() => buildModel(spec('resnet20', { numClasses: 0 }))),
    'model spec: numClasses is 0; expected a positive integer',
  );
  assert.equal(
    message(() => buildModel(spec('resnet20', { mode: 'test' as 'eval' }))),
    `model spec: mode is "test"; expected 'train' or 'eval'`,
  );
});

test('an input too small for the architecture names the layer where it vanishes', () => {
  assert.equal(
    message(() => buildModel(spec('alexnet', { inputShape: [3, 32, 32] }), { shapesOnly: true })),
    "alexnet: a 3×32×32 input is too small: 'features.12' would output 0×0; resize the images larger or pick a backbone made for small inputs (resnet20, vit-tiny)",
  );
  assert.match(
    message(() => buildModel(spec('vgg16-bn', { inputShape: [1, 28, 28] }), { shapesOnly: true })),
    /^vgg16-bn: a 1×28×28 input is too small: 'features.43'/,
  );
  assert.equal(
    message(() => buildModel(spec('vit-tiny', { inputShape: [3, 30, 30] }))),
    'vit-tiny: a 30×30 input does not divide into 4×4 patches; pass a patch size dividing both sides',
  );
});

test('node names follow torchvision module paths', () => {
  const names = (backbone: string, more: Partial<ModelSpec> = {}) =>
    new Set(buildModel(spec(backbone, more), { shapesOnly: true }).graph.nodes.map((n) => n.name));
  const has = (set: Set<string>, ...want: string[]) => want.forEach((w) => assert.ok(set.has(w), `missing node ${w}`));
  has(
    names('resnet50'),
    'conv1',
    'bn1',
    'maxpool',
    'layer1.0.conv1',
    'layer1.0.bn3',
    'layer1.0.downsample.0',
    'layer4.2.conv3',
    'avgpool',
    'fc',
  );
  has(names('resnet20'), 'conv1', 'layer3.2.conv2', 'layer2.0.shortcut', 'fc');
  has(
    names('vgg16-bn'),
    'features.0',
    'features.1',
    'features.2',
    'features.6',
    'features.40',
    'features.43',
    'avgpool',
    'classifier.0',
    'classifier.6',
  );
  has(names('alexnet'), 'features.0', 'features.10', 'features.12', 'classifier.1', 'classifier.4', 'classifier.6');
  has(
    names('mobilenet-v2'),
    'features.0.0',
    'features.1.conv.0.0',
    'features.1.conv.1',
    'features.2.conv.2',
    'features.18.0',
    'classifier.1',
  );
  has(
    names('vit-tiny'),
    'conv_proj',
    'encoder.layers.encoder_layer_0.self_attention.in_proj',
    'encoder.layers.encoder_layer_11.mlp.3',
    'encoder.ln',
    'heads.head',
  );
});

test('weights are seeded: the same seed gives the same weights, another seed others', () => {
  const w = (seed: number) =>
    buildModel(spec('resnet20', { seed })).graph.initializers.get('layer1.0.conv1.weight')!.data;
  assert.deepEqual(w(1), w(1));
  assert.notDeepEqual(w(1), w(2));
});

test('train and eval graphs share every initializer name and shape, so trained weights drop into the eval graph', () => {
  for (const name of Object.keys(backbones)) {
    const inits = (mode: 'train' | 'eval') =>
      [...buildModel(spec(name, { head: 'text-guided', mode }), { shapesOnly: true }).graph.initializers]
        .filter(([k]) => !GraphBuilder.isConstantName(k))
        .map(([k, t]) => `${k}:${t.dims}`);
    assert.deepEqual(inits('train'), inits('eval'), name);
  }
});

test('train mode: BatchNormalization in training form exposes running stats as NAME.next; Dropout is live', () => {
  const m = buildModel(spec('vgg11-bn', { mode: 'train' }), { shapesOnly: true });
  const bns = m.graph.nodes.filter((n) => n.opType === 'BatchNormalization');
  assert.ok(bns.length === 8 && bns.every((n) => n.outputs.length === 3 && n.attrs.training_mode?.value === 1));
  const outs = m.graph.outputs.map((o) => o.name);
  assert.equal(outs[0], 'logits');
  assert.deepEqual(outs.slice(1, 3), ['features.1.running_mean.next', 'features.1.running_var.next']);
  assert.equal(outs.length, 1 + 2 * bns.length);
  assert.deepEqual(
    m.graph.nodes.filter((n) => n.opType === 'Dropout').map((n) => n.name),
    ['classifier.2', 'classifier.5'],
  );
  const e = buildModel(spec('vgg11-bn'), { shapesOnly: true });
  assert.deepEqual(
    e.graph.outputs.map((o) => o.name),
    ['logits'],
  );
  assert.ok(
    e.graph.nodes.every((n) => n.opType !== 'Dropout' && !(n.opType === 'BatchNormalization' && n.outputs.length > 1)),
  );
});
