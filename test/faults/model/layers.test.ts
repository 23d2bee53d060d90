import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constantsToInitializers, findLayers, upstreamOf } from '../../../src/faults/model/layers.js';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32, i64, zeros } from '../../../src/onnx/tensor.js';
import { attr, type Graph } from '../../../src/onnx/types.js';

/** x → conv → relu → flatten → fc (scores); a side MatMul of two activations that does not reach the scores. */
function net(): Graph {
  const b = new GraphBuilder('n');
  const x = b.input('x', 'float32', ['N', 1, 2, 2]);
  const c = b.conv(x, b.initializer('cw', zeros('float32', [3, 1, 1, 1])), undefined, { name: 'conv' });
  const flat = b.flatten(b.relu(c, { name: 'relu' }), { name: 'flat' });
  const fc = b.gemm(flat, b.initializer('fw', zeros('float32', [5, 12])), undefined, { name: 'fc', transB: 1 });
  const side = b.matMul(b.transpose(flat, [1, 0], { name: 't' }), flat, { name: 'side' });
  const computed = b.transpose(b.initializer('aw', zeros('float32', [2, 5])), [1, 0], { name: 'awT' });
  const gram = b.matMul(fc, computed, { name: 'act' }); // its weight is computed, not an initializer
  b.output(fc, 'scores');
  b.output(side);
  b.output(gram);
  return b.finish();
}

test('upstreamOf is the set of nodes a tensor depends on, its producer included', () => {
  const g = net();
  assert.deepEqual([...upstreamOf(g, 'scores')].map((n) => n.name).sort(), ['conv', 'fc', 'flat', 'relu', 'scores']);
  assert.equal(upstreamOf(g, 'x').size, 0);
});

test('findLayers takes the Conv/Gemm/MatMul reaching the output: per-image shape, input and constant weight', () => {
  const { layers, leftOut, graph } = findLayers(net(), 'scores');
  assert.deepEqual(layers, [
    {
      name: 'conv',
      tensor: 'conv',
      opType: 'Conv',
      shape: [3, 2, 2],
      neurons: 12,
      input: 'x',
      weight: 'cw',
      weightElements: 3,
    },
    {
      name: 'fc',
      tensor: 'fc',
      opType: 'Gemm',
      shape: [5],
      neurons: 5,
      input: 'flat',
      weight: 'fw',
      weightElements: 60,
    },
  ]);
  assert.deepEqual(leftOut, []);
  assert.equal(graph.nodes.length, net().nodes.length); // batch-major already: no views added
  assert.deepEqual(
    findLayers(net(), 'act').layers.map((l) => [l.name, l.weight]),
    [
      ['conv', 'cw'],
      ['fc', 'fw'],
      ['act', undefined],
    ],
  );
});

test('a layer whose batch is not the leading axis gets a batch-major view, and faults land in the view', () => {
  const b = new GraphBuilder('v');
  const x = b.relu(b.input('x', 'float32', [4, 'N', 2]), { name: 'in' }); // [L, N, E], as PyTorch attention writes it
  const y = b.matMul(x, b.initializer('w', zeros('float32', [2, 3])), { name: 'proj' });
  b.output(b.relu(y), 'out');
  const { layers, graph } = findLayers(b.finish(), 'out');
  assert.deepEqual(layers, [
    {
      name: 'proj',
      tensor: 'proj.per_image',
      opType: 'MatMul',
      shape: [4, 3],
      neurons: 12,
      input: 'in.per_image',
      native: { tensor: 'proj', shape: [4, 'N', 3] },
      weight: 'w',
      weightElements: 6,
    },
  ]);
  assert.deepEqual(graph.valueInfo.get('proj.per_image')?.shape, ['N', 4, 3]);
  assert.deepEqual(graph.valueInfo.get('in.per_image')?.shape, ['N', 4, 2]);
});

test('a layer reading a graph input whose batch is not the leading axis reads that input through its view', () => {
  const b = new GraphBuilder('v');
  const x = b.input('x', 'float32', [4, 'N', 2]);
  b.output(b.matMul(x, b.initializer('w', zeros('float32', [2, 3])), { name: 'proj' }), 'out');
  const { layers, graph } = findLayers(b.finish(), 'out');
  assert.equal(layers[0]!.input, 'x.per_image');
  assert.deepEqual(graph.valueInfo.get('x.per_image')?.shape, ['N', 4, 2]);
});

test('a Gemm with transA keeps no weight: its second operand is not what a weight fault means', () => {
  const b = new GraphBuilder('t');
  const x = b.input('x', 'float32', [2, 'N']);
  b.output(b.gemm(x, b.initializer('w', zeros('float32', [2, 3])), undefined, { name: 'g', transA: 1 }), 'y');
  const [layer] = findLayers(b.finish(), 'y').layers;
  assert.equal(layer!.weight, undefined);
  assert.equal(layer!.weightElements, undefined);
});

test('constantsToInitializers turns each Constant attribute kind into its tensor and leaves other nodes', () => {
  const constant = (name: string, a: Graph['nodes'][number]['attrs']) => ({
    name,
    opType: 'Constant',
    inputs: [],
    outputs: [name],
    attrs: a,
  });
  const g: Graph = {
    name: 'c',
    inputs: [],
    outputs: [],
    initializers: new Map(),
    valueInfo: new Map(),
    nodes: [
      constant('t', { value: attr.tensor(f32([2], [1, 2])) }),
      constant('f', { value_float: attr.float(0.5) }),
      constant('fs', { value_floats: attr.floats([1, 2, 3]) }),
      constant('i', { value_int: attr.int(7) }),
      constant('is', { value_ints: attr.ints([4, 5]) }),
      constant('s', { value_string: attr.string('a') }),
      { ...constant('ms', { value: attr.tensor(f32([1], [1])) }), domain: 'com.microsoft' },
      { name: 'r', opType: 'Relu', inputs: ['t'], outputs: ['r'], attrs: {} },
    ],
  };
  const out = constantsToInitializers(g);
  assert.deepEqual(Object.fromEntries(out.initializers), {
    t: f32([2], [1, 2]),
    f: f32([], [0.5]),
    fs: f32([3], [1, 2, 3]),
    i: i64([], [7]),
    is: i64([2], [4, 5]),
  });
  assert.deepEqual(
    out.nodes.map((n) => n.name),
    ['s', 'ms', 'r'],
  );
  assert.equal(g.nodes.length, 8); // the graph it was handed is unchanged
});
