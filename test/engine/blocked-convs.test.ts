import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Model, TensorData } from '../../src/onnx/types.js';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32 } from '../../src/onnx/tensor.js';
import { encodeModel } from '../../src/onnx/proto-io.js';
import { Rng } from '../../src/core/rng.js';
import { Session, nchwcBlockSize } from '../../src/engine/session.js';
import { lowerConvsToBlocked, nchwcDomain } from '../../src/engine/blocked-convs.js';

const block = await nchwcBlockSize();
const skip = block === 1 ? 'this CPU has no NCHWc kernels in ONNX Runtime' : false;

const randn = (dims: number[], rng: Rng): TensorData =>
  f32(
    dims,
    Array.from({ length: dims.reduce((a, b) => a * b) }, () => rng.normal()),
  );

/** A stem (3 input channels, NCHW kernel), a blocked 3×3, a strided one with bias; weights fed, so all three lower. */
function fedWeights(): Model {
  const b = new GraphBuilder('fed');
  const x = b.input('x', 'float32', ['N', 3, 12, 12]);
  const w1 = b.input('w1', 'float32', [block, 3, 3, 3]);
  const w2 = b.input('w2', 'float32', [block, block, 3, 3]);
  const w3 = b.input('w3', 'float32', [2 * block, block, 3, 3]);
  const bias = b.input('bias', 'float32', [2 * block]);
  const h = b.relu(b.conv(x, w1, undefined, { pads: [1, 1, 1, 1] }));
  const h2 = b.conv(h, w2, undefined, { pads: [1, 1, 1, 1] });
  b.output(b.conv(h2, w3, bias, { pads: [1, 1, 1, 1], strides: [2, 2] }), 'y');
  return b.finishModel();
}

test('blocked Convs: fed weights lower to the NCHWc kernels and give the plain outputs', { skip }, async () => {
  const model = fedWeights();
  const lowered = lowerConvsToBlocked(model, block);
  const blocked = lowered.graph.nodes.filter((n) => n.domain === nchwcDomain && n.opType === 'Conv');
  assert.equal(blocked.length, 3);
  // The stem keeps its NCHW input (fewer channels than a block): two ReorderInputs for three Convs.
  assert.equal(lowered.graph.nodes.filter((n) => n.opType === 'ReorderInput').length, 2);
  const rng = new Rng(1);
  const feeds = {
    x: randn([2, 3, 12, 12], rng),
    w1: randn([block, 3, 3, 3], rng),
    w2: randn([block, block, 3, 3], rng),
    w3: randn([2 * block, block, 3, 3], rng),
    bias: randn([2 * block], rng),
  };
  const plain = (await (await Session.create(model)).run(feeds)).y!;
  const fast = (await (await Session.create(model, { blockedConvs: true })).run(feeds)).y!;
  // Encoded bytes (what the trainer's worker receives) are lowered too: bit for bit the blocked kernels' result,
  // whose summation order differs from the plain path's.
  const fromBytes = (await (await Session.create(encodeModel(model), { blockedConvs: true })).run(feeds)).y!;
  assert.deepEqual(fromBytes.data, fast.data);
  assert.notDeepEqual(fast.data, plain.data);
  assert.deepEqual(fast.dims, [2, 2 * block, 6, 6]);
  const p = plain.data as Float32Array;
  // Summation order differs between the kernels: compare to fp32 rounding of the output's scale (~500 here).
  const scale = p.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  (fast.data as Float32Array).forEach((v, i) =>
    assert.ok(Math.abs(v - p[i]!) <= 1e-5 * scale, `y[${i}]: ${v} vs ${p[i]} (scale ${scale})`),
  );
});

test('blocked Convs: constant weights, groups and unaligned channels are left as they are', () => {
  const b = new GraphBuilder('kept');
  const x = b.input('x', 'float32', ['N', 16, 8, 8]);
  const fixed = b.initializer('fixed', f32([16, 16, 1, 1], new Array(256).fill(0.1)));
  const grouped = b.input('grouped', 'float32', [16, 4, 3, 3]);
  const odd = b.input('odd', 'float32', [12, 16, 3, 3]);
  const h = b.conv(b.conv(x, fixed), grouped, undefined, { pads: [1, 1, 1, 1], group: 4 });
  b.output(b.conv(h, odd, undefined, { pads: [1, 1, 1, 1] }), 'y');
  const model = b.finishModel();
  assert.equal(lowerConvsToBlocked(model, 16), model);
});
