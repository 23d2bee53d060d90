import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32 } from '../../src/onnx/tensor.js';
import { Rng } from '../../src/core/rng.js';
import { Session } from '../../src/engine/session.js';
import { Net } from '../../src/models/nn.js';
import { onesInit, zerosInit, type Init } from '../../src/models/init.js';
import { geluMlp, layerNormLast, tokenLinear, tokenMatMul } from '../../src/models/token-layers.js';

/** A Net over tokens [N, 2, 3] in eval mode. */
function tokens(): { net: Net; x: string } {
  const b = new GraphBuilder('tokens');
  const net = new Net(b, { training: false, rng: new Rng(1), label: 'tokens', inputShape: [2, 3] });
  return { net, x: b.input('x', 'float32', ['N', 2, 3]) };
}

test('tokenLinear is x·Wᵀ + b with the PyTorch-layout weight [out, in], one MatMul named as the module', async () => {
  const { net, x } = tokens();
  net.b.output(tokenLinear(net, x, 'proj', 2, { weight: zerosInit, bias: zerosInit }), 'y');
  const m = net.b.finishModel();
  assert.deepEqual(
    m.graph.nodes.map((n) => [n.name, n.opType]),
    [
      ['proj.weight_t', 'Transpose'],
      ['proj', 'MatMul'],
      ['proj.add_bias', 'Add'],
      ['y', 'Identity'],
    ],
  );
  m.graph.initializers.set('proj.weight', f32([2, 3], [1, 2, 3, 4, 5, 6]));
  m.graph.initializers.set('proj.bias', f32([2], [10, 20]));
  const s = await Session.create(m);
  const out = await s.run({ x: f32([1, 2, 3], [1, 0, 0, 0, 1, 1]) });
  await s.release();
  assert.deepEqual(out.y!.dims, [1, 2, 2]);
  assert.deepEqual([...(out.y!.data as Float32Array)], [11, 24, 15, 31]);
});

test('bias null is nn.Linear(bias=False): no bias parameter, no Add; tokenMatMul is the MatMul alone', () => {
  const { net, x } = tokens();
  const y = tokenLinear(net, x, 'q', 4, { weight: onesInit, bias: null });
  assert.equal(y, 'q');
  assert.deepEqual(net.b.shape(y), ['N', 2, 4]);
  assert.equal(net.b.initializerValue('q.bias'), undefined);
  assert.deepEqual(net.b.initializerValue('q.weight')?.dims, [4, 3]);
  assert.equal(tokenMatMul(net, x, 'k', 5, zerosInit), 'k');
  assert.deepEqual(net.b.shape('k'), ['N', 2, 5]);
});

test('layerNormLast normalises the last axis with ones/zeros parameters and the given ε', () => {
  const { net, x } = tokens();
  const y = net.b.output(layerNormLast(net, x, 'norm', 1e-6));
  const node = net.b.finishModel().graph.nodes.find((n) => n.name === y)!;
  assert.equal(node.opType, 'LayerNormalization');
  assert.deepEqual(node.attrs.axis, { type: 'int', value: -1 });
  assert.equal(node.attrs.epsilon?.type === 'float' && Math.fround(node.attrs.epsilon.value), Math.fround(1e-6));
  assert.deepEqual([...(net.b.initializerValue('norm.weight')!.data as Float32Array)], [1, 1, 1]);
  assert.deepEqual([...(net.b.initializerValue('norm.bias')!.data as Float32Array)], [0, 0, 0]);
});

test("geluMlp is torchvision's MLP: Linear `.0` to hidden, GELU `.1`, Linear `.3` back; init asked per weight shape", () => {
  const { net, x } = tokens();
  const asked: number[][] = [];
  const init = (dims: number[]) => (asked.push(dims), { weight: zerosInit as Init, bias: zerosInit as Init });
  const y = net.b.output(geluMlp(net, x, 'mlp', 8, init));
  assert.deepEqual(asked, [
    [8, 3],
    [3, 8],
  ]);
  assert.deepEqual(net.b.shape(y), ['N', 2, 3]);
  const names = net.b.finishModel().graph.nodes.map((n) => n.name);
  assert.deepEqual(
    names.filter((n) => n.endsWith('.0') || n.endsWith('.3')),
    ['mlp.0', 'mlp.3'],
  );
  assert.ok(names.includes('mlp.1.erf'), 'the GELU is scoped as module mlp.1');
  assert.ok(!names.some((n) => n === 'mlp.2' || n === 'mlp.4'), 'dropouts emit nothing');
});
