import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../../src/engine/session.js';
import { loadClassifier } from '../../../src/faults/model/classifier.js';
import { withOutputs } from '../../../src/faults/model/exposed.js';
import { withReductions } from '../../../src/faults/run/golden-reductions.js';
import type { Model } from '../../../src/onnx/types.js';
import { residualNet, randomImages } from '../nets.js';

/** Runs `model` with its layers' reductions and outputs exposed on `n` seeded images. */
async function reduce(model: Model, n: number) {
  const clf = await loadClassifier(model);
  const { model: m, reductions } = withReductions(clf.model, clf.layers);
  const s = await Session.create(
    withOutputs(
      m,
      clf.layers.map((l) => l.tensor),
    ),
  );
  const side = clf.input.shape[1];
  const out = await s.run({ input: { dtype: 'float32', dims: [n, 3, side, side], data: randomImages(n, side, 7) } });
  await s.release();
  return { clf, m, reductions, out };
}

test('withReductions: per image and channel max and min exactly, Σ|x| in float64 to rounding, as [N, C] outputs', async () => {
  const n = 5;
  const { clf, reductions, out } = await reduce(residualNet({ size: 12 }), n);
  assert.deepEqual(
    reductions.map((r) => r.tensor),
    clf.layers.map((l) => l.tensor),
  );
  assert.deepEqual(
    reductions.map((r) => r.channels),
    clf.layers.map((l) => (l.shape.length > 1 ? l.shape[0] : 1)),
  );
  assert.deepEqual(reductions[0], {
    tensor: clf.layers[0]!.tensor,
    channels: 4,
    max: 'tgr.golden.0.max',
    min: 'tgr.golden.0.min',
    sumAbs: 'tgr.golden.0.sum_abs',
  });
  clf.layers.forEach((l, i) => {
    const r = reductions[i]!;
    const x = out[l.tensor]!.data as Float32Array;
    const dims = r.channels > 1 ? [n, r.channels] : [n];
    assert.deepEqual([out[r.max]!.dims, out[r.max]!.dtype, out[r.sumAbs]!.dtype], [dims, 'float32', 'float64'], l.name);
    const per = l.neurons / r.channels;
    for (let k = 0; k < n * r.channels; k++) {
      const row = x.subarray(k * per, (k + 1) * per);
      assert.equal(out[r.max]!.data[k], Math.max(...row), l.name);
      assert.equal(out[r.min]!.data[k], Math.min(...row), l.name);
      const sum = row.reduce((s, v) => s + Math.abs(v), 0);
      assert.ok(Math.abs((out[r.sumAbs]!.data[k] as number) - sum) <= 1e-14 * sum, l.name);
    }
  });
});

test('withReductions: from opset 18 the axes are an int64 input, with the same results as attributes before', async () => {
  const m17 = residualNet({ size: 12 });
  const m18 = { ...m17, opset: 18 };
  const [a, b] = await Promise.all([reduce(m17, 3), reduce(m18, 3)]);
  const node = (x: typeof a, op: string) => x.m.graph.nodes.find((n) => n.opType === op && n.name.startsWith('tgr.'))!;
  for (const op of ['ReduceMax', 'ReduceMin', 'ReduceL1']) {
    assert.deepEqual(node(a, op).attrs.axes, { type: 'ints', value: [2, 3] }, op);
    const x = op === 'ReduceL1' ? 'tgr.golden.0.f64' : 'conv1';
    assert.deepEqual(node(a, op).inputs, [x], op);
    assert.deepEqual(node(b, op).inputs, [x, 'tgr.golden.0.axes'], op);
    assert.equal(node(b, op).attrs.axes, undefined, op);
  }
  assert.deepEqual([...(b.m.graph.initializers.get('tgr.golden.0.axes')!.data as BigInt64Array)], [2n, 3n]);
  const fc = b.reductions.length - 1;
  assert.deepEqual([...(b.m.graph.initializers.get(`tgr.golden.${fc}.axes`)!.data as BigInt64Array)], [1n]);
  for (const r of a.reductions)
    for (const t of [r.max, r.min, r.sumAbs]) assert.deepEqual(b.out[t]!.data, a.out[t]!.data, t);
});

test('withReductions refuses a model that already has a tensor of the names it adds', async () => {
  const clf = await loadClassifier(residualNet());
  const g = clf.model.graph;
  const clash = {
    ...clf.model,
    graph: {
      ...g,
      valueInfo: new Map([...g.valueInfo, ['tgr.golden.1.min', g.valueInfo.get(clf.layers[1]!.tensor)!]]),
    },
  };
  assert.throws(
    () => withReductions(clash, clf.layers),
    /^Error: tgr internal error: golden reductions: the model already has a tensor named 'tgr\.golden\.1\.min' \(please report this\)$/,
  );
});
