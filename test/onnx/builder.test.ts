import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_OPSET, GraphBuilder } from '../../src/onnx/builder.js';
import { TgrError } from '../../src/core/errors.js';
import { f32, toNumbers, zeros } from '../../src/onnx/tensor.js';
import { attr } from '../../src/onnx/types.js';

const tgrError = (code: string, message: string) => (e: unknown) =>
  e instanceof TgrError && e.code === code && e.message === message;

test('names are scoped with dots and made unique with _1, _2 under the same scope', () => {
  const b = new GraphBuilder('g');
  assert.equal(b.uniqueName('conv'), 'conv');
  assert.equal(b.uniqueName('conv'), 'conv_1');
  assert.equal(
    b.scope('layer1', () => b.scope('0', () => b.uniqueName('conv'))),
    'layer1.0.conv',
  );
  assert.equal(
    b.scope('layer1', () => b.scope('0', () => b.uniqueName('conv'))),
    'layer1.0.conv_1',
  );
  assert.equal(b.uniqueName('conv'), 'conv_2'); // the scope was popped
  assert.throws(
    () =>
      b.scope('s', () => {
        throw new Error('inner');
      }),
    /inner/,
  );
  assert.equal(b.uniqueName('x'), 'x'); // and popped after a throw
});

test('a node gets its op name, infers its output shape and keeps ONNX default attributes explicit', () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', ['N', 2, 5, 5]);
  const w = b.scope('stem', () => b.initializer('weight', zeros('float32', [4, 2, 3, 3])));
  assert.equal(w, 'stem.weight');
  const y = b.conv(x, w, undefined, { pads: [1, 1, 1, 1], strides: [2, 2] });
  assert.equal(y, 'conv');
  assert.deepEqual(b.shape(y), ['N', 4, 3, 3]);
  b.output(y);
  const g = b.finish();
  assert.deepEqual(g.nodes[0], {
    name: 'conv',
    opType: 'Conv',
    inputs: ['x', 'stem.weight'],
    outputs: ['conv'],
    attrs: {
      strides: attr.ints([2, 2]),
      pads: attr.ints([1, 1, 1, 1]),
      dilations: attr.ints([1, 1]),
      group: attr.int(1),
      kernel_shape: attr.ints([3, 3]),
    },
  });
  assert.deepEqual(g.outputs, [{ name: 'conv', dtype: 'float32', shape: ['N', 4, 3, 3] }]);
});

test('constants are const_N int64 or float32 tensors; a builder extended from a graph skips names it holds', () => {
  const b = new GraphBuilder('g');
  assert.equal(b.ints([2, -1]), 'const_0');
  assert.equal(b.float(0.5), 'const_1');
  assert.deepEqual(toNumbers(b.initializerValue('const_0')!), [2, -1]);
  assert.equal(b.initializerValue('const_0')!.dtype, 'int64');
  assert.deepEqual(b.initializerValue('const_1'), f32([], [0.5]));
  assert.equal(GraphBuilder.isConstantName('const_12'), true);
  assert.equal(GraphBuilder.isConstantName('const_x'), false);
  assert.equal(GraphBuilder.isConstantName('stem.const_1'), false);
  const x = b.input('x', 'float32', [2, 3]);
  b.output(b.reshape(x, [3, 2]), 'y');
  const g = b.finish();

  const c = new GraphBuilder('c').extend(g);
  assert.equal(c.float(1), 'const_3'); // const_0..const_2 came with g
  assert.deepEqual(c.shape('y'), [3, 2]);
  assert.equal(c.uniqueName('reshape'), 'reshape_1');
  c.output(c.relu('y'), 'z');
  assert.deepEqual(
    c.finish().nodes.map((n) => n.opType),
    ['Reshape', 'Identity', 'Relu', 'Identity'],
  );
});

test('output() renames through an Identity node and finish() keeps only intermediates in valueInfo', () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', ['N', 3]);
  const w = b.initializer('w', zeros('float32', [3, 2]));
  const h = b.matMul(x, w, { name: 'mm' });
  assert.equal(b.output(h, 'logits'), 'logits');
  const m = b.finishModel({ head: 'linear' });
  assert.deepEqual(m.graph.nodes[1], {
    name: 'logits',
    opType: 'Identity',
    inputs: ['mm'],
    outputs: ['logits'],
    attrs: {},
  });
  assert.deepEqual([...m.graph.valueInfo.keys()], ['mm', 'logits']);
  assert.deepEqual(m.graph.valueInfo.get('logits'), { name: 'logits', dtype: 'float32', shape: ['N', 2] });
  assert.deepEqual([...m.graph.initializers.keys()], ['w']);
  assert.deepEqual(
    { opset: m.opset, extraOpsets: m.extraOpsets, irVersion: m.irVersion, producer: m.producer, metadata: m.metadata },
    { opset: DEFAULT_OPSET, extraOpsets: {}, irVersion: 8, producer: 'tgr', metadata: { head: 'linear' } },
  );
  assert.equal(new GraphBuilder('o', { opset: 13 }).opset, 13);
});

test('a second output of a node is named NAME:i; BatchNormalization in training mode has three', () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', ['N', 2, 4, 4]);
  const p = ['scale', 'bias', 'mean', 'var'].map((n) => b.initializer(n, zeros('float32', [2])));
  const eval1 = b.batchNormalization(x, p[0]!, p[1]!, p[2]!, p[3]!, { name: 'bn' });
  assert.deepEqual(eval1, ['bn']);
  const train = b.batchNormalization(x, p[0]!, p[1]!, p[2]!, p[3]!, { name: 'bnt', training_mode: 1 });
  assert.deepEqual(train, ['bnt', 'bnt:1', 'bnt:2']);
  assert.deepEqual(b.shape('bnt:1'), [2]);
  b.output(train[0]!);
  const attrs = b.finish().nodes.map((n) => n.attrs);
  assert.deepEqual(attrs[0], { epsilon: attr.float(1e-5), momentum: attr.float(0.9) });
  assert.deepEqual(attrs[1], { epsilon: attr.float(1e-5), momentum: attr.float(0.9), training_mode: attr.int(1) });
});

test('dropout is Identity at inference and Dropout(x, ratio, true) with a mask output in training', () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', ['N', 8]);
  const off = b.dropout(x, 0.1, false);
  const on = b.dropout(x, 0.25, true, { name: 'drop' });
  b.output(on);
  const [n0, n1] = b.finish().nodes;
  assert.equal(n0!.opType, 'Identity');
  assert.deepEqual(n0!.outputs, [off]);
  assert.equal(n1!.opType, 'Dropout');
  assert.deepEqual(n1!.outputs, ['drop', 'drop:1']);
  assert.deepEqual(b.initializerValue(n1!.inputs[1]!), f32([], [0.25]));
  assert.deepEqual(b.initializerValue(n1!.inputs[2]!), { dtype: 'bool', dims: [], data: Uint8Array.of(1) });
});

test('gelu is x·(1 + erf(x·√½))·½ built from primitives under one scope', () => {
  const b = new GraphBuilder('g');
  const y = b.gelu(b.input('x', 'float32', ['N', 4]));
  b.output(y);
  const g = b.finish();
  assert.deepEqual(
    g.nodes.map((n) => [n.name, n.opType]),
    [
      ['gelu.mul', 'Mul'],
      ['gelu.erf', 'Erf'],
      ['gelu.add', 'Add'],
      ['gelu.mul_1', 'Mul'],
      ['gelu.mul_2', 'Mul'],
    ],
  );
  const scalarOf = (name: string) => toNumbers(g.initializers.get(name)!)[0];
  assert.equal(scalarOf(g.nodes[0]!.inputs[1]!), Math.fround(Math.SQRT1_2));
  assert.equal(scalarOf(g.nodes[2]!.inputs[1]!), 1);
  assert.deepEqual(g.nodes[3]!.inputs, ['x', 'gelu.add']);
  assert.equal(scalarOf(g.nodes[4]!.inputs[1]!), 0.5);
  assert.deepEqual(b.shape(y), ['N', 4]);
});

test('cast names the target by its ONNX code; reductions keep or drop the axis', () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', ['N', 3, 4]);
  const c = b.cast(x, 'float16', { name: 'c' });
  assert.deepEqual(b.info(c), { name: 'c', dtype: 'float16', shape: ['N', 3, 4] });
  assert.deepEqual(b.shape(b.reduceSum(x, [1], 0)), ['N', 4]);
  assert.deepEqual(b.shape(b.reduceMax(x, [-1])), ['N', 3, 1]);
  b.output(c);
  assert.deepEqual(b.finish().nodes[0]!.attrs, { to: attr.int(10) });
});

test('refineShape records a shape inference cannot see, and refuses a change of rank', () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', ['N', 3]);
  const y = b.relu(x);
  b.refineShape(y, ['N', 3]);
  assert.deepEqual(b.shape(y), ['N', 3]);
  assert.throws(() => b.refineShape(y, [3]), /refineShape 'relu': rank 2 → 1/);
});

test('user mistakes are bad_graph / unknown_op errors that name the graph, tensor or op', () => {
  const b = new GraphBuilder('net');
  const x = b.input('x', 'float32', [2, 3]);
  assert.throws(() => b.input('x', 'float32', [1]), tgrError('bad_graph', "graph 'net': name 'x' is already used"));
  assert.throws(() => b.relu('nope'), tgrError('bad_graph', "graph 'net': tensor 'nope' does not exist yet"));
  assert.throws(
    () => b.node('Frobnicate', [x]),
    tgrError('unknown_op', 'frobnicate: op Frobnicate has no shape rule; add one to src/onnx/shape-rules.ts'),
  );
  const w = b.initializer('w', zeros('float32', [4]));
  assert.throws(
    () => b.add(x, w, { name: 'sum' }),
    tgrError('shape_mismatch', 'sum (Add): cannot broadcast shapes [2,3] and [4]'),
  );
  assert.throws(() => b.finish(), tgrError('bad_graph', "graph 'net' has no outputs; call output()"));
  assert.throws(() => b.output(x, 'w'), tgrError('bad_graph', "graph 'net': output name 'w' is already used"));
});
