import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../src/core/errors.js';
import { getRecipe, noDecayRules, recipes } from '../../src/train/recipes.js';
import { schedules } from '../../src/train/schedules.js';

test('noDecayRules: none decays everything, norms-biases spares rank ≤ 1 tensors', () => {
  const shapes = [[], [64], [64, 3, 3, 3], [10, 512]];
  assert.deepEqual(
    shapes.map((s) => noDecayRules.none!('w', s)),
    [false, false, false, false],
  );
  assert.deepEqual(
    shapes.map((s) => noDecayRules['norms-biases']!('w', s)),
    [true, true, false, false],
  );
});

test('every recipe names a no-decay rule and a schedule that exist, with positive sizes', () => {
  for (const [name, r] of Object.entries(recipes)) {
    assert.ok(r.noDecay in noDecayRules, `${name}: ${r.noDecay}`);
    assert.ok(r.schedule.name in schedules, `${name}: ${r.schedule.name}`);
    assert.ok(r.epochs > 0 && r.batchSize > 0 && r.lr > 0, name);
  }
  assert.equal(getRecipe('fashion-quick'), recipes['fashion-quick']);
  assert.deepEqual(
    [getRecipe('torchvision').epochs, getRecipe('torchvision').optimizer],
    [90, { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 5e-5 }],
  );
});

test('an unknown recipe lists the recipes', () => {
  assert.throws(
    () => getRecipe('imagenet'),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'unknown_name' &&
      e.message === "unknown recipe 'imagenet'; choose one of: torchvision, torchvision-v1, fashion-quick",
  );
});
