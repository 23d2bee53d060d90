import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { Session } from '../../../src/engine/session.js';
import {
  analyticForm,
  applyChain,
  normalizedRow,
  normalizedScores,
  type Analytic,
} from '../../../src/faults/run/analytic.js';

/** Suffix f [N,3] → f·[1,2,3] → 10 − that: the scores up to elementwise constants. */
function logitSuffix(extra?: (b: GraphBuilder, x: string) => string) {
  const b = new GraphBuilder('suffix');
  const f = b.input('f', 'float32', ['N', 3]);
  let x = b.mul(f, b.initializer('scale', f32([3], [1, 2, 3])));
  x = b.sub(b.float(10), x);
  b.output(extra ? extra(b, x) : x, 'scores');
  return b.finish();
}

/** Suffix of a text-guided head: f [N,2] → f / max(√(Σf² + 7), clamp) → Gemm(W [3,2]ᵀ, bias) → ×2. */
function headSuffix(clamp = 1e-6) {
  const b = new GraphBuilder('suffix');
  const f = b.input('f', 'float32', ['N', 2]);
  const ss = b.add(b.reduceSumSquare(f, [-1], 1), b.float(7));
  const norm = b.max(b.sqrt(ss), b.float(clamp));
  const w = b.initializer('w', f32([3, 2], [1, 0, 0, 1, 1, 1]));
  const bias = b.initializer('bias', f32([3], [0, 0.5, -1]));
  const scores = b.gemm(b.div(f, norm), w, bias, { transB: 1 });
  b.output(b.mul(scores, b.float(2)), 'scores');
  return b.finish();
}

test('a suffix of elementwise constants is the logit form; applyChain computes it in fp32', () => {
  const a = analyticForm(logitSuffix(), 'f', [3], 3);
  assert.equal(a?.kind, 'logit');
  assert.deepEqual(
    a.chain.map((o) => [o.op, o.constFirst]),
    [
      ['Mul', false],
      ['Sub', true],
    ],
  );
  assert.equal(applyChain(a.chain, 2, 1.5), 5.5);
  assert.equal(applyChain(a.chain, 0, 1.5), 8.5);
  assert.equal(applyChain(a.chain, 1, 0.1), Math.fround(10 - Math.fround(0.2)));
  assert.equal(applyChain([], 1, 0.1), 0.1);
});

test('anything else in the suffix, or a layer not of one vector per image, is not analytic', () => {
  assert.equal(
    analyticForm(
      logitSuffix((b, x) => b.relu(x)),
      'f',
      [3],
      3,
    ),
    undefined,
  );
  assert.equal(analyticForm(logitSuffix(), 'f', [3, 1], 3), undefined);
  // As wide as 4 classes it cannot be the scores, and there is no head after it.
  assert.equal(analyticForm(logitSuffix(), 'f', [3], 4), undefined);
});

test('the text-guided head suffix is the normalized form with its eps, clamp, weights and bias', () => {
  const a = analyticForm(headSuffix(), 'f', [2], 3) as Extract<Analytic, { kind: 'normalized' }>;
  assert.equal(a.kind, 'normalized');
  assert.deepEqual([a.eps, a.clampMin, a.alpha, a.beta, a.K, a.E], [7, Math.fround(1e-6), 1, 1, 3, 2]);
  assert.deepEqual(
    [0, 1, 2].map((k) => [a.weight(k, 0), a.weight(k, 1), a.bias(k)]),
    [
      [1, 0, 0],
      [0, 1, 0.5],
      [1, 1, -1],
    ],
  );
  assert.deepEqual(
    a.chain.map((o) => o.op),
    ['Mul'],
  );
});

test('normalizedScores applies a rank-one change exactly and refuses values fp32 would overflow on', () => {
  const a = analyticForm(headSuffix(), 'f', [2], 3) as Extract<Analytic, { kind: 'normalized' }>;
  const f = Float32Array.of(3, 3);
  const row = normalizedRow(a, f);
  assert.equal(row.ss, 18);
  assert.deepEqual([...row.u], [3, 3, 6]);
  const out = new Float32Array(3);
  // f = (0, 3): ‖f‖ = √(9 + 7) = 4, f·Wᵀ = (0, 3, 3) → (0, 0.75, 0.75) + bias → ×2.
  assert.equal(normalizedScores(a, f, row, [0], [0], out), true);
  assert.deepEqual([...out], [0, 2.5, -0.5]);
  // Unchanged: ‖f‖ = 5.
  assert.equal(normalizedScores(a, f, row, [], [], out), true);
  [1.2, 2.2, 0.4].forEach((v, k) => assert.ok(Math.abs(out[k]! - v) < 1e-6, `score ${k}: ${out[k]}`));
  // The kept row is not changed by a call.
  assert.deepEqual([...row.u], [3, 3, 6]);
  assert.equal(normalizedScores(a, f, row, [1], [1e30], out), false);
  assert.equal(normalizedScores(a, f, row, [1], [NaN], out), false);
  assert.equal(normalizedScores(a, f, row, [1], [Infinity], out), false);
});

test('a clamp after the root is the norm the scores use, as ORT computes them', async () => {
  const g = headSuffix(10);
  const a = analyticForm(g, 'f', [2], 3) as Extract<Analytic, { kind: 'normalized' }>;
  assert.equal(a.clampMin, 10);
  const f = Float32Array.of(3, 3);
  const out = new Float32Array(3);
  // √(18 + 7) = 5 is below the clamp: ‖f‖ = 10, f·Wᵀ = (3, 3, 6) → (0.3, 0.3, 0.6) + bias → ×2.
  assert.equal(normalizedScores(a, f, normalizedRow(a, f), [], [], out), true);
  const model = { graph: g, opset: 17, extraOpsets: {}, irVersion: 8, producer: 'tgr', metadata: {} };
  const s = await Session.create(model, { threads: 1 });
  try {
    const ort = (await s.run({ f: f32([1, 2], f) })).scores!.data as Float32Array;
    // fp32 steps in ORT, one rounding here: equal within an ulp.
    [0.6, 1.6, -0.8].forEach((v, k) => {
      assert.ok(Math.abs(out[k]! - v) < 1e-6, `score ${k}: ${out[k]}`);
      assert.ok(Math.abs(ort[k]! - v) < 1e-6, `ORT score ${k}: ${ort[k]}`);
    });
  } finally {
    await s.release();
  }
});
