import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../../src/engine/session.js';
import { loadClassifier } from '../../../src/faults/model/classifier.js';
import { withOutputs } from '../../../src/faults/model/exposed.js';
import { withReductions, type ReductionOptions } from '../../../src/faults/run/golden-reductions.js';
import type { Model } from '../../../src/onnx/types.js';
import { residualNet, randomImages } from '../nets.js';

/** Runs `model` with its layers' reductions and outputs exposed on `n` seeded images (`pixels` if given). */
async function reduce(model: Model, n: number, opts?: ReductionOptions, pixels?: Float32Array) {
  const clf = await loadClassifier(model);
  const { model: m, reductions } = withReductions(clf.model, clf.layers, opts);
  const s = await Session.create(
    withOutputs(
      m,
      clf.layers.map((l) => l.tensor),
    ),
  );
  const side = clf.input.shape[1];
  const out = await s.run({
    input: { dtype: 'float32', dims: [n, 3, side, side], data: pixels ?? randomImages(n, side, 7) },
  });
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

test("withReductions, sumAbs 'float32': no Cast, a float32 Σ|x| that is non-finite exactly where a value is", async () => {
  const n = 3;
  const net = residualNet({ size: 12 });
  const pixels = randomImages(n, 12, 7);
  // Image 1 overflows the first conv to ±Inf and NaN (Inf − Inf) and what follows it.
  pixels.fill(3e38, 432, 864);
  const [wide, narrow] = await Promise.all([reduce(net, n, {}, pixels), reduce(net, n, { sumAbs: 'float32' }, pixels)]);
  assert.deepEqual(
    narrow.m.graph.nodes.filter((x) => x.name.startsWith('tgr.')).map((x) => x.opType),
    narrow.clf.layers.flatMap(() => ['ReduceMax', 'ReduceMin', 'ReduceL1']),
  );
  assert.deepEqual(narrow.reductions, wide.reductions);
  narrow.clf.layers.forEach((l, i) => {
    const r = narrow.reductions[i]!;
    for (const t of [r.max, r.min]) assert.deepEqual(narrow.out[t], wide.out[t], t);
    const sum = narrow.out[r.sumAbs]!;
    assert.equal(sum.dtype, 'float32', l.name);
    const x = narrow.out[l.tensor]!.data as Float32Array;
    const per = l.neurons / r.channels;
    for (let k = 0; k < n * r.channels; k++) {
      const finite = x.subarray(k * per, (k + 1) * per).every(Number.isFinite);
      assert.equal(Number.isFinite(sum.data[k]), finite, `${l.name} row ${k}`);
      // A float32 sum, to float32 rounding of its terms (each ≤ 2⁻²⁴ relative, fewer than 2⁸ terms).
      const exact = wide.out[r.sumAbs]!.data[k] as number;
      if (finite) assert.ok(Math.abs((sum.data[k] as number) - exact) <= 2 ** -16 * exact, `${l.name} row ${k}`);
    }
  });
  const conv1 = narrow.out[narrow.reductions[0]!.sumAbs]!.data as Float32Array;
  assert.deepEqual(
    Array.from(conv1, (v) => Number.isFinite(v)),
    [true, true, true, true, false, false, false, false, true, true, true, true],
  );
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
