import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32 } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';
import { GradGraph } from '../../src/autodiff/grad-graph.js';

const values = (t: { data: unknown }) => [...(t.data as Float32Array)];

test('defaults: fast paths, one thread, no forced Conv form; constants take the tensor’s own float type', () => {
  const b = new GradGraph('g');
  assert.deepEqual([b.paths, b.threads, b.convGradW], ['fast', 1, undefined]);
  const plain = new GradGraph('p', { paths: 'plain', threads: 2 });
  assert.deepEqual([plain.paths, plain.threads], ['plain', 2]);
  const d = b.input('d', 'float64', [2]);
  const k = b.constLike(d, [2], [0.5, 1.5]);
  assert.equal(b.dtype(k), 'float64');
  assert.deepEqual(b.constValue(k), [0.5, 1.5]);
  assert.equal(b.dtype(b.scalar(3, b.input('f', 'float32', [1]))), 'float32');
  assert.equal(b.constValue(d), undefined, 'a feed has no constant value');
  assert.throws(() => b.constLike(b.input('i', 'int64', [1]), [1], [1]), /a float constant of type int64/);
});

test('staticShape returns static dims and refuses a symbolic one, naming the tensor', () => {
  const b = new GradGraph('g');
  assert.deepEqual(b.staticShape(b.input('s', 'float32', [2, 3])), [2, 3]);
  assert.throws(
    () => b.staticShape(b.input('x', 'float32', ['N', 3])),
    /'x' has symbolic shape \[N,3\] where a static one is needed/,
  );
});

test('a static count is a constant; sumTo reduces broadcast axes, squeezing the leading ones', () => {
  const b = new GradGraph('g');
  const x = b.input('x', 'float32', ['N', 2, 3]);
  assert.deepEqual(b.constValue(b.count(x, [1, -1])), [6]);
  assert.equal(b.sumTo(x, ['N', 2, 3]), x, 'nothing to sum');
  assert.deepEqual(b.shape(b.sumTo(x, [2, 1])), [2, 1]);
  assert.deepEqual(b.shape(b.sumTo(x, [3])), [3]);
});

test('the helpers compute what they say on a batch whose size is known only at run time', async () => {
  const b = new GradGraph('g');
  const x = b.input('x', 'float32', ['N', 3]);
  const c = b.input('c', 'float32', [3]);
  const mask = b.input('m', 'bool', ['N', 3]);
  b.output(b.sumTo(x, [3]), 'sum0');
  b.output(b.sumTo(x, [1, 3]), 'sumKeep');
  b.output(b.count(x, [0]), 'n');
  b.output(b.expandLike(c, x), 'expanded');
  b.output(b.zerosLike(x), 'zeros');
  b.output(b.reshapeLike(b.reshape(x, [-1]), x), 'back');
  b.output(b.transposeLast(x), 'xt');
  b.output(b.padAxis(x, 1, 1, 2), 'padded');
  b.output(b.maskWhere(mask, x), 'masked');
  b.output(b.perChannel(c, 4), 'perChannel');
  const s = await Session.create(b.finishModel());
  const out = await s.run({
    x: f32([2, 3], [1, 2, 3, 4, 5, 6]),
    c: f32([3], [7, 8, 9]),
    m: { dtype: 'bool', dims: [2, 3], data: Uint8Array.from([1, 0, 1, 0, 1, 0]) },
  });
  assert.deepEqual(values(out.sum0!), [5, 7, 9]);
  assert.deepEqual(out.sumKeep!.dims, [1, 3]);
  assert.deepEqual(values(out.n!), [2]);
  assert.deepEqual(values(out.expanded!), [7, 8, 9, 7, 8, 9]);
  assert.deepEqual(values(out.zeros!), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(
    [out.back!.dims, values(out.back!)],
    [
      [2, 3],
      [1, 2, 3, 4, 5, 6],
    ],
  );
  assert.deepEqual(
    [out.xt!.dims, values(out.xt!)],
    [
      [3, 2],
      [1, 4, 2, 5, 3, 6],
    ],
  );
  assert.deepEqual(values(out.padded!), [0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 0, 0]);
  assert.deepEqual(values(out.masked!), [1, 0, 3, 0, 5, 0]);
  assert.deepEqual(out.perChannel!.dims, [3, 1, 1]);
  await s.release();
});
