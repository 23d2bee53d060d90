import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Graph, Node } from '../../src/onnx/types.js';
import { f32 } from '../../src/onnx/tensor.js';
import { pruneGraph } from '../../src/autodiff/prune.js';

const node = (name: string, inputs: string[], outputs = [name]): Node => ({
  name,
  opType: 'Add',
  inputs,
  outputs,
  attrs: {},
});
const info = (name: string) => ({ name, dtype: 'float32' as const, shape: [1] });

/** x → a → y (output); x, w → dead → dead2 (nobody reads it); b has an omitted ('') optional input. */
const graph: Graph = {
  name: 'g',
  inputs: [info('x')],
  outputs: [info('y')],
  nodes: [
    node('a', ['x', 'w1']),
    node('dead', ['x', 'w2']),
    node('b', ['a', '']),
    node('dead2', ['dead', 'w1']),
    node('y', ['b', 'a']),
  ],
  initializers: new Map([
    ['w1', f32([1], [1])],
    ['w2', f32([1], [2])],
  ]),
  valueInfo: new Map([
    ['a', info('a')],
    ['dead', info('dead')],
    ['b', info('b')],
  ]),
};

test('nodes, initializers and shape records nothing downstream of an output needs are dropped, order kept', () => {
  const p = pruneGraph(graph);
  assert.deepEqual(
    p.nodes.map((n) => n.name),
    ['a', 'b', 'y'],
  );
  assert.deepEqual([...p.initializers.keys()], ['w1']);
  assert.deepEqual([...p.valueInfo.keys()], ['a', 'b']);
  assert.deepEqual(p.inputs, graph.inputs);
  assert.deepEqual(p.outputs, graph.outputs);
});

test('the input graph is left as it was; a second output keeps its branch', () => {
  pruneGraph(graph);
  assert.equal(graph.nodes.length, 5);
  assert.equal(graph.initializers.size, 2);
  const both = pruneGraph({ ...graph, outputs: [info('y'), info('dead2')] });
  assert.deepEqual(
    both.nodes.map((n) => n.name),
    ['a', 'dead', 'b', 'dead2', 'y'],
  );
  assert.deepEqual([...both.initializers.keys()], ['w1', 'w2']);
});

test('a node with several outputs is kept when any one of them is needed', () => {
  const g: Graph = {
    ...graph,
    nodes: [node('split', ['x'], ['s0', 's1']), node('y', ['s1', 'x'])],
    initializers: new Map(),
    valueInfo: new Map(),
  };
  assert.deepEqual(
    pruneGraph(g).nodes.map((n) => n.name),
    ['split', 'y'],
  );
});
