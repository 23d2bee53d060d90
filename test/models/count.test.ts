import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../src/models/registry.js';
import { countModel, countParams, parameterNames } from '../../src/models/count.js';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { zeros } from '../../src/onnx/tensor.js';
import { Net } from '../../src/models/nn.js';
import { vit, vitSizes } from '../../src/models/vit.js';
import { linearHead } from '../../src/models/heads.js';
import { resolveSpec } from '../../src/models/spec.js';

const imagenet = (backbone: string, head: 'linear' | 'text-guided' = 'linear') =>
  countModel(
    buildModel({ backbone, head, inputShape: [3, 224, 224], numClasses: 1000, embedDim: 512 }, { shapesOnly: true }),
  );

// torchvision's parameter counts, and its published GFLOPS (really GMACs) rounded as its docs round them.
const torchvision: [string, number, number][] = [
  ['alexnet', 61_100_840, 0.71],
  ['vgg11-bn', 132_868_840, 7.61],
  ['vgg16-bn', 138_365_992, 15.47],
  ['vgg19-bn', 143_678_248, 19.63],
  ['resnet18', 11_689_512, 1.81],
  ['resnet34', 21_797_672, 3.66],
  ['resnet50', 25_557_032, 4.09],
  ['resnet101', 44_549_160, 7.8],
  ['resnet152', 60_192_808, 11.51],
  ['mobilenet-v2', 3_504_872, 0.3],
];

// Table 1's "additional params" exactly: E·F + E (latent) + C·E (projection) + 1 (logit scale) − (C·F + C).
const table1: Record<string, number> = {
  alexnet: -1_487_335,
  'vgg16-bn': -1_487_335,
  'vgg19-bn': -1_487_335,
  resnet18: 261_657,
  resnet34: 261_657,
  resnet50: -487_911,
  resnet101: -487_911,
  resnet152: -487_911,
  'mobilenet-v2': -113_127,
};

for (const [name, params, gmacs] of torchvision) {
  test(`[${name}] 224×224×3, 1000 classes: ${params.toLocaleString('en-US')} parameters and ${gmacs} GMACs as torchvision`, () => {
    const c = imagenet(name);
    assert.equal(c.params, params);
    assert.equal(Number((c.macs / 1e9).toFixed(2)), gmacs);
    if (name in table1) assert.equal(imagenet(name, 'text-guided').params - params, table1[name]);
  });
}

test('CIFAR ResNets with option-A shortcuts: ResNet-20 has 269,722 parameters (He et al.), ResNet-32 464,154, ResNet-56 853,018', () => {
  const count = (backbone: string) =>
    countModel(buildModel({ backbone, head: 'linear', inputShape: [3, 32, 32], numClasses: 10 }, { shapesOnly: true }));
  assert.equal(count('resnet20').params, 269_722);
  assert.equal(count('resnet32').params, 464_154);
  assert.equal(count('resnet56').params, 853_018);
  assert.equal(count('resnet20').macs, 40_551_040);
});

test("the ViT layout is torchvision's: at ViT-B/16 size it has vit_b_16's 86,567,656 parameters; DeiT-Ti/S sizes 5.72M/22.05M", () => {
  const spec = resolveSpec({ backbone: 'vit-base', head: 'linear', inputShape: [3, 224, 224], numClasses: 1000 });
  const b = new GraphBuilder('vit-b');
  const net = new Net(b, { training: false, rng: null, label: 'vit-base', inputShape: spec.inputShape });
  const out = vit(vitSizes.base)(net, b.input('input', 'float32', ['N', 3, 224, 224]), spec);
  b.output(linearHead(net, out.features, out.final, spec).logits, 'logits');
  assert.equal(countParams(b.finish()), 86_567_656);
  assert.equal(imagenet('vit-tiny').params, 5_717_416);
  assert.equal(imagenet('vit-small').params, 22_050_664);
});

test('MACs per node: Conv counts Cin/group·k² per output element, Gemm and MatMul the inner dimension; batch counts once', () => {
  const b = new GraphBuilder('macs');
  const x = b.input('input', 'float32', ['N', 4, 5, 5]);
  const c = b.conv(x, b.initializer('conv.weight', zeros('float32', [6, 2, 3, 3])), undefined, {
    name: 'conv',
    pads: [1, 1, 1, 1],
    group: 2,
  });
  const g = b.gemm(
    b.flatten(c),
    b.initializer('fc.weight', zeros('float32', [7, 150])),
    b.initializer('fc.bias', zeros('float32', [7])),
    { name: 'fc', transB: 1 },
  );
  const m = b.matMul(b.reshape(g, [0, 7, 1]), b.initializer('mm.weight', zeros('float32', [1, 3])), { name: 'mm' });
  b.output(m, 'y');
  const count = countModel(b.finishModel());
  assert.deepEqual(count.layers, [
    { name: 'conv', opType: 'Conv', params: 108, macs: 6 * 25 * 2 * 9 },
    { name: 'fc', opType: 'Gemm', params: 1057, macs: 7 * 150 },
    { name: 'mm', opType: 'MatMul', params: 3, macs: 21 },
  ]);
  assert.equal(count.macs, 2700 + 1050 + 21);
  assert.equal(count.params, 108 + 1057 + 3);
});

test('parameters exclude BN running statistics and anonymous constants; ViT weights are charged to their MatMul through the Transpose', () => {
  const m = buildModel(
    { backbone: 'vit-tiny', head: 'text-guided', inputShape: [3, 32, 32], numClasses: 10 },
    { shapesOnly: true },
  );
  const names = parameterNames(m.graph);
  assert.ok(
    names.includes('head.logit_scale') && names.includes('class_token') && !names.some((n) => n.startsWith('const_')),
  );
  const layer = countModel(m).layers.find((l) => l.name === 'encoder.layers.encoder_layer_0.self_attention.in_proj')!;
  assert.deepEqual(layer, { name: layer.name, opType: 'MatMul', params: 3 * 192 * 192, macs: 65 * 192 * 576 });
  const r = buildModel(
    { backbone: 'resnet20', head: 'linear', inputShape: [3, 32, 32], numClasses: 10 },
    { shapesOnly: true },
  );
  assert.ok(!parameterNames(r.graph).some((n) => n.endsWith('running_mean') || n.endsWith('running_var')));
  assert.equal(countModel(r).layers.find((l) => l.name === 'bn1')!.params, 32);
});
