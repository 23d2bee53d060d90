import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lrSchedule } from '../../src/train/schedules.js';

test('cosine with linear warm-up: exact rates at chosen iterations', () => {
  // 10 epochs × 10 iterations, 1 warm-up epoch from 0.01×base, then cosine over the remaining 90 iterations.
  const lr = lrSchedule({ name: 'cosine', warmupEpochs: 1, warmupStart: 0.01 }, 0.1, 10, 10);
  assert.equal(lr(0), 0.1 * 0.01);
  assert.equal(lr(5), 0.1 * (0.01 + 0.99 * 0.5));
  assert.equal(lr(10), 0.1);
  assert.equal(lr(55), 0.05);
  assert.equal(lr(100), 0);
  assert.ok(Math.abs(lr(40) - (0.1 * (1 + Math.cos(Math.PI / 3))) / 2) < 1e-17);
});

test('step decay composes with warm-up and starts counting after it', () => {
  const lr = lrSchedule({ name: 'step', stepEpochs: 3, gamma: 0.1, warmupEpochs: 2, warmupStart: 0.5 }, 0.2, 12, 4);
  assert.equal(lr(0), 0.1);
  assert.equal(lr(4), 0.2 * (0.5 + 0.5 * 0.5));
  assert.equal(lr(8), 0.2);
  assert.equal(lr(8 + 11), 0.2);
  assert.equal(lr(8 + 12), 0.2 * 0.1);
  assert.equal(lr(8 + 24), 0.2 * 0.1 ** 2);
});

test('cosine without warm-up ends at minLr; constant stays; an unknown name lists the schedules', () => {
  const cos = lrSchedule({ name: 'cosine', minLr: 0.001 }, 0.1, 2, 5);
  assert.equal(cos(0), 0.1);
  assert.equal(cos(10), 0.001);
  assert.equal(lrSchedule({ name: 'constant' }, 0.3, 5, 7)(34), 0.3);
  assert.throws(
    () => lrSchedule({ name: 'poly' }, 0.1, 1, 1),
    /unknown learning-rate schedule 'poly'; choose one of: constant, step, cosine/,
  );
});
