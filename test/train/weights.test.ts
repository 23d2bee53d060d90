import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../src/core/errors.js';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32, zeros } from '../../src/onnx/tensor.js';
import type { TrainingGraph } from '../../src/autodiff/training-graph-types.js';
import { checkEvalMatches, initialCarried, withWeights } from '../../src/train/weights.js';

/** x·w + b, with w [2, 3] and b [3]. */
function model(name = 'eval') {
  const g = new GraphBuilder(name);
  const x = g.input('x', 'float32', ['N', 2]);
  const w = g.initializer('fc.weight', f32([2, 3], [1, 2, 3, 4, 5, 6]));
  const b = g.initializer('fc.bias', f32([3], [0, 0, 0]));
  g.output(g.add(g.matMul(x, w), b), 'y');
  return g.finishModel();
}

/** The training-graph fields these functions read: params, buffers, optimizer state. */
const training = (params: [string, number[]][], state: [string, number[]][] = []) =>
  ({
    params: params.map(([name, shape]) => ({ name, shape, decay: true })),
    buffers: [],
    state: state.map(([name, shape]) => ({ name, shape })),
  }) as unknown as TrainingGraph;

test('withWeights replaces initializers by name, from a record or a map, and ignores other names', () => {
  const m = model();
  const bias = f32([3], [1, 1, 1]);
  const out = withWeights(m, { 'fc.bias': bias, 'fc.weight.momentum': zeros('float32', [2, 3]) });
  assert.equal(out.graph.initializers.get('fc.bias'), bias);
  assert.equal(out.graph.initializers.get('fc.weight'), m.graph.initializers.get('fc.weight'));
  assert.deepEqual([...out.graph.initializers.keys()], ['fc.weight', 'fc.bias']);
  assert.deepEqual(m.graph.initializers.get('fc.bias'), f32([3], [0, 0, 0]), 'the model it was handed is unchanged');
  assert.equal(withWeights(m, new Map([['fc.bias', bias]])).graph.initializers.get('fc.bias'), bias);
});

test('checkEvalMatches names a training tensor the eval graph lacks or holds with another shape', () => {
  const m = model();
  checkEvalMatches(
    training([
      ['fc.weight', [2, 3]],
      ['fc.bias', [3]],
    ]),
    m,
  );
  const refuses = (g: TrainingGraph, message: string) =>
    assert.throws(
      () => checkEvalMatches(g, m),
      (e: unknown) => e instanceof TgrError && e.code === 'bad_model' && e.message === message,
    );
  refuses(
    training([['fc.weight', [3, 2]]]),
    "eval graph 'eval': training tensor 'fc.weight' [3,2] has shape [2,3] there; build both graphs from one model spec",
  );
  refuses(
    training([['head.weight', [4]]]),
    "eval graph 'eval': training tensor 'head.weight' [4] has no such initializer there; build both graphs from one model spec",
  );
});

test('initialCarried takes parameters from the forward model and zeroes the optimizer state', () => {
  const m = model('forward');
  const carried = initialCarried(training([['fc.weight', [2, 3]]], [['fc.weight.momentum', [2, 3]]]), m);
  assert.deepEqual(carried, {
    'fc.weight': m.graph.initializers.get('fc.weight'),
    'fc.weight.momentum': zeros('float32', [2, 3]),
  });
  assert.throws(
    () => initialCarried(training([['fc.scale', [3]]]), m),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'bad_model' &&
      e.message === "training graph carries 'fc.scale', which the forward model 'forward' has no initializer for",
  );
});
