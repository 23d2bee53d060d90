import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { Rng } from '../../src/core/rng.js';
import { Net } from '../../src/models/nn.js';

const net = (opts: { training?: boolean; rng?: Rng | null; side?: number } = {}) => {
  const b = new GraphBuilder('t');
  const side = opts.side ?? 8;
  const n = new Net(b, {
    training: opts.training ?? false,
    rng: opts.rng === undefined ? new Rng(1) : opts.rng,
    label: 'toy',
    inputShape: [3, side, side],
  });
  return { b, n, x: b.input('input', 'float32', ['N', 3, side, side]) };
};

test('conv2d: torchvision names and shapes, grouped weights [out, in/groups, k, k], bias only when asked', () => {
  const { b, n, x } = net();
  const y = n.conv2d(x, 'features.0', { out: 6, kernel: 3, stride: 2, pad: 1, groups: 3, bias: true });
  assert.deepEqual(b.shape(y), ['N', 6, 4, 4]);
  assert.deepEqual(b.initializerValue('features.0.weight')!.dims, [6, 1, 3, 3]);
  assert.deepEqual([...b.initializerValue('features.0.bias')!.data], [0, 0, 0, 0, 0, 0]);
  n.conv2d(x, 'c2', { out: 4, kernel: 1 });
  assert.equal(b.initializerValue('c2.bias'), undefined);
});

test('parameters draw from a stream per name: the same values whatever was built before, zero when shapes only', () => {
  const first = net();
  first.n.linear(first.b.flatten(first.x), 'fc', 2, { kind: 'normal', std: 1 }, null);
  const second = net();
  second.n.conv2d(second.x, 'other', { out: 4, kernel: 3 });
  second.n.linear(second.b.flatten(second.x), 'fc', 2, { kind: 'normal', std: 1 }, null);
  const w = (b: GraphBuilder) => [...b.initializerValue('fc.weight')!.data];
  assert.deepEqual(w(second.b), w(first.b));
  assert.ok(w(first.b).some((v) => v !== 0));
  const shapes = net({ rng: null });
  shapes.n.linear(shapes.b.flatten(shapes.x), 'fc', 2, { kind: 'normal', std: 1 }, null);
  assert.ok(w(shapes.b).every((v) => v === 0));
});

test('batchNorm2d: ONNX momentum is 1 − torch momentum; train mode carries the new running stats', () => {
  const { b, n, x } = net({ training: true });
  b.output(n.batchNorm2d(x, 'bn1', 1e-3, 0.01));
  const bn = b.finish().nodes.find((node) => node.opType === 'BatchNormalization')!;
  assert.deepEqual(Object.fromEntries(Object.entries(bn.attrs).map(([k, a]) => [k, a.value])), {
    epsilon: 1e-3,
    momentum: 0.99,
    training_mode: 1,
  });
  assert.deepEqual(
    n.carried.map((c) => c.name),
    ['bn1.running_mean.next', 'bn1.running_var.next'],
  );
  const evalNet = net();
  evalNet.n.batchNorm2d(evalNet.x, 'bn1');
  assert.deepEqual(evalNet.n.carried, []);
});

test('adaptiveAvgPool2d: Identity at size, an exact pool at a multiple, overlapping windows otherwise', () => {
  const pool = (side: number) => {
    const { b, n, x } = net({ side });
    const y = b.output(n.adaptiveAvgPool2d(x, 'avgpool', 2));
    return [b.finish().nodes.at(-1)!.opType, b.shape(y).slice(2)];
  };
  assert.deepEqual(pool(2), ['Identity', [2, 2]]);
  assert.deepEqual(pool(8), ['AveragePool', [2, 2]]);
  // 7 → stride 3, kernel 7 − 3 = 4: windows [0, 4) and [3, 7).
  assert.deepEqual(pool(7), ['AveragePool', [2, 2]]);
  assert.deepEqual(pool(1), ['Identity', [1, 1]]);
});

test('a spatial side reaching 0 is one line naming the model, the input and the layer', () => {
  const { n, x } = net({ side: 2 });
  assert.throws(() => n.maxPool2d(x, 'features.2', 3, 2), {
    code: 'bad_argument',
    message:
      "toy: a 3×2×2 input is too small: 'features.2' would output 0×0; resize the images larger or pick a backbone made for small inputs (resnet20, vit-tiny)",
  });
});

test('dropout with p = 0 adds nothing; a taken parameter name is an internal error', () => {
  const { n, x } = net();
  assert.equal(n.dropout(x, 'drop', 0), x);
  n.param('w', [1], { kind: 'zeros' });
  assert.throws(() => n.param('w', [1], { kind: 'zeros' }), /tgr internal error: parameter name 'w' is taken/);
});
