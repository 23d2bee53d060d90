import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, type Model, type ValueInfo } from '../../../src/onnx/types.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { Session } from '../../../src/engine/session.js';
import { QuantizerBuilder, onnxType, type QuantizerParts } from '../../../src/faults/run/emulate-graph.js';

test('c shares one constant per value (−0 apart from 0) in the steps’ precision', () => {
  const q = new QuantizerBuilder('y');
  assert.equal(q.c(1), 'y.emulate_c0');
  assert.equal(q.c(0), 'y.emulate_c1');
  assert.equal(q.c(1), 'y.emulate_c0');
  assert.equal(q.c(-0), 'y.emulate_c2');
  assert.deepEqual(
    q.parts.constants.map(([n, t]) => [n, t.dtype, [...t.data]]),
    [
      ['y.emulate_c0', 'float64', [1]],
      ['y.emulate_c1', 'float64', [0]],
      ['y.emulate_c2', 'float64', [-0]],
    ],
  );
  const f = new QuantizerBuilder('y', 'float32');
  f.c(0.1);
  assert.equal(f.parts.constants[0]![1].dtype, 'float32');
  assert.deepEqual([...f.parts.constants[0]![1].data], [Math.fround(0.1)]);
});

test('tensor, ints and op name their outputs under y.emulate_ with one counter and declare node outputs', () => {
  const q = new QuantizerBuilder('y');
  assert.equal(q.tensor(Float64Array.of(1, 2), [2]), 'y.emulate_t0');
  assert.equal(q.ints([3, -1]), 'y.emulate_i1');
  assert.equal(q.op('Abs', ['x']), 'y.emulate_2_abs');
  assert.equal(q.op('Less', ['x', 'z'], { dtype: 'bool', sameShape: false }), 'y.emulate_3_less');
  const ints = q.parts.constants[1]![1];
  assert.deepEqual([ints.dtype, ints.dims, [...ints.data]], ['int64', [2], [3n, -1n]]);
  assert.deepEqual(q.parts.declared, [
    { name: 'y.emulate_2_abs', dtype: 'float64', sameShape: true },
    { name: 'y.emulate_3_less', dtype: 'bool', sameShape: false },
  ]);
  assert.deepEqual(q.parts.nodes[0], {
    name: 'y.emulate_2_abs',
    opType: 'Abs',
    inputs: ['x'],
    outputs: ['y.emulate_2_abs'],
    attrs: {},
  });
});

test('onnxType holds the ONNX TensorProto type numbers', () => {
  assert.deepEqual(onnxType, { float: 1, float16: 10, double: 11, bfloat16: 16 });
});

test('input casts to double in float64 and is x itself in float32', () => {
  const q = new QuantizerBuilder('y');
  const d = q.input('x');
  assert.equal(q.parts.nodes[0]!.opType, 'Cast');
  assert.deepEqual(q.parts.nodes[0]!.attrs, { to: attr.int(onnxType.double) });
  assert.deepEqual(q.parts.nodes[0]!.outputs, [d]);
  assert.equal(new QuantizerBuilder('y', 'float32').input('x'), 'x');
});

test('finish casts back to float under y in float64; in float32 it renames the last node and drops its declaration', () => {
  const q = new QuantizerBuilder('y');
  const parts = q.finish(q.op('Abs', [q.input('x')]));
  assert.deepEqual(
    parts.nodes.map((n) => [n.name, n.opType, n.outputs[0]]),
    [
      ['y.emulate_0_cast', 'Cast', 'y.emulate_0_cast'],
      ['y.emulate_1_abs', 'Abs', 'y.emulate_1_abs'],
      ['y.emulate_back', 'Cast', 'y'],
    ],
  );
  assert.deepEqual(parts.nodes[2]!.attrs, { to: attr.int(onnxType.float) });
  const f = new QuantizerBuilder('y', 'float32');
  const fp = f.finish(f.op('Abs', [f.input('x')]));
  assert.deepEqual(
    fp.nodes.map((n) => [n.name, n.opType, n.inputs, n.outputs]),
    [['y.emulate_back', 'Abs', ['x'], ['y']]],
  );
  assert.deepEqual(fp.declared, []);
});

test('binade rejects an empty exponent range', () => {
  assert.throws(() => new QuantizerBuilder('y').binade('a', 3, 3, 1), /binade range 3\.\.3 is not empty/);
});

/** A model x [1, n] fp32 → the quantizer's parts → y [1, n] fp32. */
function modelOf(parts: QuantizerParts, n: number): Model {
  const info = (name: string, dtype: ValueInfo['dtype']): ValueInfo => ({ name, dtype, shape: [1, n] });
  return {
    graph: {
      name: 'q',
      nodes: parts.nodes,
      inputs: [info('x', 'float32')],
      outputs: [info('y', 'float32')],
      initializers: new Map(parts.constants),
      valueInfo: new Map(parts.declared.map((d) => [d.name, info(d.name, d.dtype)])),
    },
    opset: 17,
    extraOpsets: {},
    irVersion: 8,
    producer: 'tgr',
    metadata: {},
  };
}

async function runParts(parts: QuantizerParts, x: number[]): Promise<number[]> {
  const s = await Session.create(modelOf(parts, x.length), { threads: 1 });
  try {
    return [...(await s.run({ x: f32([1, x.length], x) }))['y']!.data] as number[];
  } finally {
    await s.release();
  }
}

test('withSignOf gives |r| the sign of x, −0 and −Inf included, in ORT', async () => {
  const q = new QuantizerBuilder('y');
  const x = q.input('x');
  const parts = q.finish(q.withSignOf(x, q.c(2)));
  const out = await runParts(parts, [3, -3, 0, -0, Infinity, -Infinity]);
  assert.deepEqual(out, [2, -2, 2, -2, 2, -2]);
});

test('binade gives 2^floor(log2 a)·unit, clamped to [2^lo, 2^hi], in ORT', async () => {
  const q = new QuantizerBuilder('y');
  const parts = q.finish(q.binade(q.op('Abs', [q.input('x')]), -2, 5, 3));
  const out = await runParts(parts, [1, 1.5, 2, 7.9, 0.3, 0.01, 32, 1000, -5]);
  assert.deepEqual(out, [3, 3, 6, 12, 0.75, 0.75, 96, 96, 12]);
});
