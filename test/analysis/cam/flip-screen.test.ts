import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';
import type { Model, TensorData } from '../../../src/onnx/types.js';
import { Session } from '../../../src/engine/session.js';
import { Rng } from '../../../src/core/rng.js';
import { screenFlips } from '../../../src/analysis/cam/flip-screen.js';
import { stack } from '../../../src/analysis/cam/ablation-cam.js';
import { applyWeightFlips, planWeightFlips, type WeightFlip } from '../../../src/analysis/cam/weight-flips.js';
import { tinyCnn } from '../fixtures.js';

async function outputs(model: Model, images: TensorData[]): Promise<Float32Array> {
  const s = await Session.create(model, { threads: 1 });
  try {
    return (await s.run({ input: stack(images)! })).logits!.data as Float32Array;
  } finally {
    await s.release();
  }
}

test('of 300 draws in all 32 bits, the kept ones leave both outputs finite; the counts add up', async () => {
  const models = [tinyCnn('fc', 1), tinyCnn('proj', 1)];
  const rng = new Rng(8);
  const images = [0, 1, 2].map(() =>
    f32(
      [1, 1, 8, 8],
      Array.from({ length: 64 }, () => rng.normal()),
    ),
  );
  const plans = planWeightFlips(models, 300, new Rng(2));
  const all = await outputs(applyWeightFlips(models[0]!, plans[0]!), images);
  assert.ok(!all.every(Number.isFinite), 'all 300 flips together overflow, so the screen has work to do');
  const s = await screenFlips(models, plans, images);
  assert.equal(s.drawn, 300);
  assert.equal(s.kept[0]!.length, s.kept[1]!.length);
  assert.equal(s.kept[0]!.length + s.droppedByRange + s.droppedByOutput, 300);
  assert.ok(s.droppedByRange > 0 && s.kept[0]!.length > 200, `kept ${s.kept[0]!.length}`);
  for (let m = 0; m < 2; m++) {
    const out = await outputs(applyWeightFlips(models[m]!, s.kept[m]!), images);
    assert.ok(out.every(Number.isFinite), `model ${m} output finite with the kept flips`);
    // Kept draws are a subsequence of the drawn ones, in draw order.
    let j = 0;
    for (const f of s.kept[m]!) {
      j = plans[m]!.indexOf(f, j) + 1;
      assert.ok(j > 0, 'kept flip found after the previous one');
    }
  }
});

test('a flip that passes the range check but overflows the output is found and dropped; its neighbours stay', async () => {
  // out = 3e38·x₀ + w₁·x₁ with x₁ = 1e31: w₁ = 2⁻¹⁰⁰ is harmless, bit 30 makes it 2²⁸ (< 3e38) and the sum Inf.
  const b = new GraphBuilder('edge');
  const x = b.input('input', 'float32', ['N', 2]);
  b.output(b.matMul(x, b.initializer('w', f32([2, 1], [3e38, 2 ** -100]))), 'logits');
  const model = b.finishModel();
  const images = [f32([1, 2], [1, 1e31])];
  const flips: WeightFlip[] = [
    { tensor: 'w', index: 0, bit: 31 },
    { tensor: 'w', index: 1, bit: 30 },
    { tensor: 'w', index: 1, bit: 3 },
    { tensor: 'w', index: 0, bit: 23 },
  ];
  const s = await screenFlips([model], [flips], images);
  // Bit 23 of 3e38 (exponent 254 → 255) is not finite: the range check; bit 30 of 2⁻¹⁰⁰: the output check.
  assert.deepEqual(s.kept, [[flips[0], flips[2]]]);
  assert.deepEqual([s.droppedByRange, s.droppedByOutput], [1, 1]);
});

test('no draws: nothing kept, nothing dropped; mismatched lists are refused', async () => {
  const m = tinyCnn('fc', 1);
  const s = await screenFlips([m, m], [[], []], [f32([1, 1, 8, 8], new Array(64).fill(0.5))]);
  assert.deepEqual(s, { drawn: 0, kept: [[], []], droppedByRange: 0, droppedByOutput: 0 });
  await assert.rejects(
    screenFlips([m, m], [[{ tensor: 'conv1.w', index: 0, bit: 0 }], []], []),
    /one list per model of equal length expected; got 1, 0/,
  );
});

test('the bound is a multiple of the tensor largest |w|: ×2 of the largest weight passes 2^16, not 1; ~1e38 passes neither', async () => {
  const b = new GraphBuilder('bound');
  const x = b.input('input', 'float32', ['N', 2]);
  b.output(b.matMul(x, b.initializer('w', f32([2, 1], [0.75, 0.25]))), 'logits');
  const model = b.finishModel();
  const images = [f32([1, 2], [1, 1])];
  const flips: WeightFlip[] = [
    { tensor: 'w', index: 0, bit: 23 }, // 0.75 → 1.5: twice the largest |w|
    { tensor: 'w', index: 0, bit: 30 }, // 0.75 → 0.75·2^128 ≈ 2.6e38, finite
    { tensor: 'w', index: 1, bit: 23 }, // 0.25 → 0.5: within range
  ];
  const loose = await screenFlips([model], [flips], images, 65536);
  assert.deepEqual(loose.kept, [[flips[0], flips[2]]]);
  assert.equal(loose.droppedByRange, 1);
  const tight = await screenFlips([model], [flips], images, 1);
  assert.deepEqual(tight.kept, [[flips[2]]]);
  assert.equal(tight.droppedByRange, 2);
  await assert.rejects(screenFlips([model], [flips], images, 0), /weight-flip bound must be > 0/);
});
