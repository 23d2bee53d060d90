import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayerProfiler } from '../../../src/faults/run/golden-profile.js';

test('LayerProfiler.addValues: max |x| skips ±Inf and NaN, the sum adds |x| in order and carries them', () => {
  const p = new LayerProfiler(2);
  p.addValues(0, Float32Array.from([1, -3, 0.5]));
  p.addValues(0, Float32Array.from([-Infinity, 2, NaN]));
  p.addValues(1, Float32Array.from([-0.25, 0.75]));
  p.endBatch();
  assert.deepEqual([...p.maxAbs], [3, 0.75]);
  assert.ok(Number.isNaN(p.sumAbs[0]));
  assert.equal(p.sumAbs[1], 1);
});

test('LayerProfiler.addReduced: max |x| = max(max, −min), sums per image, non-finite images returned untouched', () => {
  const p = new LayerProfiler(1);
  const redo = p.addReduced(
    0,
    1,
    Float32Array.from([2, Infinity, 1, NaN, 0.5]),
    Float32Array.from([-5, 0, -1, 0, -0.25]),
    Float64Array.from([10, Infinity, 3, NaN, 0.75]),
  );
  assert.deepEqual(redo, [1, 3]);
  assert.equal(p.maxAbs[0], 5);
  p.endBatch();
  assert.equal(p.sumAbs[0], 13.75);
  // A finite max beside a non-finite sum (NaN skipped by a reduction) is redone too: only the values tell.
  assert.deepEqual(p.addReduced(0, 1, Float32Array.from([9]), Float32Array.from([-1]), Float64Array.from([NaN])), [0]);
  assert.equal(p.maxAbs[0], 5);
});

test('LayerProfiler: a batch adds to the totals at endBatch, in one sum per batch, and all-zero layers stay +0', () => {
  const p = new LayerProfiler(2);
  p.addValues(0, Float32Array.from([2 ** -30]));
  p.addReduced(0, 1, Float32Array.from([1]), Float32Array.from([0]), Float64Array.from([1]));
  p.addReduced(1, 1, Float32Array.from([-0]), Float32Array.from([-0]), Float64Array.from([0]));
  assert.deepEqual([...p.sumAbs], [0, 0]);
  p.endBatch();
  assert.deepEqual([...p.sumAbs], [1 + 2 ** -30, 0]);
  assert.ok(Object.is(p.maxAbs[1], 0));
  p.addValues(0, Float32Array.from([3]));
  p.endBatch();
  assert.deepEqual([...p.sumAbs], [4 + 2 ** -30, 0]);
});

test('LayerProfiler.addReduced: channels of an image join into its max |x| and sum; one bad channel redoes the image', () => {
  const p = new LayerProfiler(1);
  const redo = p.addReduced(
    0,
    3,
    Float32Array.from([1, 4, 2, 0.5, NaN, 1]),
    Float32Array.from([-6, 0, -1, 0, -1, -2]),
    Float64Array.from([7, 5, 0.25, 1, NaN, 2]),
  );
  assert.deepEqual(redo, [1]);
  assert.equal(p.maxAbs[0], 6);
  p.endBatch();
  assert.equal(p.sumAbs[0], 12.25);
});
