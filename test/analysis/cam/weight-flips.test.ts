import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';
import type { Model } from '../../../src/onnx/types.js';
import { Rng } from '../../../src/core/rng.js';
import { applyWeightFlips, planWeightFlips, weightTensors } from '../../../src/analysis/cam/weight-flips.js';

/** A conv backbone shared by name and shape, and a head whose weights are named differently per model. */
function model(head: string, width: number): Model {
  const b = new GraphBuilder(head);
  const x = b.input('input', 'float32', ['N', 2, 4, 4]);
  const c = b.conv(x, b.initializer('conv.w', f32([3, 2, 1, 1], [1, 2, 3, 4, 5, 6])), undefined, { name: 'conv' });
  const g = b.flatten(b.globalAveragePool(c));
  const y = b.gemm(g, b.initializer(`${head}.w`, f32([width, 3], new Array(width * 3).fill(0.5))), undefined, {
    transB: 1,
    name: head,
  });
  b.output(y, 'logits');
  return b.finishModel();
}

test("flips in shared weights are identical across models; head flips land in each model's own head", () => {
  const [base, tg] = [model('fc', 4), model('proj', 2)];
  const [pb, pt] = planWeightFlips([base, tg], 40, new Rng(5));
  assert.equal(pb!.length, 40);
  assert.equal(pt!.length, 40);
  pb!.forEach((f, i) => {
    const g = pt![i]!;
    assert.equal(f.bit, g.bit);
    if (f.tensor === 'conv.w') assert.deepEqual(g, f);
    else assert.deepEqual([f.tensor, g.tensor], ['fc.w', 'proj.w']);
  });
  assert.ok(pb!.some((f) => f.tensor === 'conv.w') && pb!.some((f) => f.tensor === 'fc.w'));
  assert.equal(new Set(pb!.map((f) => `${f.tensor}/${f.index}/${f.bit}`)).size, 40);
});

test('a seed fixes the plan', () => {
  const ms = [model('fc', 4), model('proj', 2)];
  assert.deepEqual(planWeightFlips(ms, 10, new Rng(1)), planWeightFlips(ms, 10, new Rng(1)));
  assert.notDeepEqual(planWeightFlips(ms, 10, new Rng(1)), planWeightFlips(ms, 10, new Rng(2)));
});

test('applying flips copies the weights; the sign bit negates, flipping twice restores', () => {
  const m = model('fc', 4);
  const flipped = applyWeightFlips(m, [{ tensor: 'conv.w', index: 2, bit: 31 }]);
  assert.equal((flipped.graph.initializers.get('conv.w')!.data as Float32Array)[2], -3);
  assert.equal((m.graph.initializers.get('conv.w')!.data as Float32Array)[2], 3);
  const back = applyWeightFlips(flipped, [{ tensor: 'conv.w', index: 2, bit: 31 }]);
  assert.equal((back.graph.initializers.get('conv.w')!.data as Float32Array)[2], 3);
  assert.deepEqual(
    weightTensors(m).map((t) => [t.name, t.size]),
    [
      ['conv.w', 6],
      ['fc.w', 12],
    ],
  );
});

test('bad requests name the limit', () => {
  const m = model('fc', 1);
  assert.throws(
    () => planWeightFlips([m], 10_000, new Rng(1)),
    /asked for 10000 distinct weight flips; the smallest model has only 288/,
  );
  assert.throws(() => planWeightFlips([m], 1, new Rng(1), [32]), /fp32 bit positions 0\.\.31; got 32/);
  assert.throws(() => applyWeightFlips(m, [{ tensor: 'nope', index: 0, bit: 0 }]), /no fp32 initializer 'nope'/);
});
