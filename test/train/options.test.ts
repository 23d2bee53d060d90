import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TgrError } from '../../src/core/errors.js';
import { parallelModes, resolveTrainOptions, type TrainOptions } from '../../src/train/options.js';
import { recipes } from '../../src/train/recipes.js';

const base: TrainOptions = { backbone: 'resnet20', dataset: 'synthetic' };

/** Asserts a bad_argument TgrError with exactly this message. */
const refuses = (o: Partial<TrainOptions>, message: string, code = 'bad_argument') =>
  assert.throws(
    () => resolveTrainOptions({ ...base, ...o }),
    (e: unknown) => e instanceof TgrError && e.code === code && e.message === message,
  );

test('defaults: the linear head, the torchvision recipe as it is, seed 0; other options pass through', () => {
  const r = resolveTrainOptions({ ...base, quiet: true });
  assert.deepEqual(
    { head: r.head, recipeName: r.recipeName, recipe: r.recipe, seed: r.seed, quiet: r.quiet },
    { head: 'linear', recipeName: 'torchvision', recipe: recipes.torchvision, seed: 0, quiet: true },
  );
  assert.deepEqual(parallelModes, ['ops', 'data']);
});

test('explicit epochs, batch size, lr and --skip-decay override the recipe’s fields, and only those', () => {
  const r = resolveTrainOptions({
    ...base,
    head: 'text-guided',
    recipe: 'torchvision-v1',
    epochs: 2,
    batchSize: 16,
    lr: 0.02,
    skipDecay: 'norms-biases',
    seed: -3,
  });
  assert.deepEqual(r.recipe, {
    ...recipes['torchvision-v1'],
    epochs: 2,
    batchSize: 16,
    lr: 0.02,
    noDecay: 'norms-biases',
  });
  assert.deepEqual([r.head, r.recipeName, r.seed], ['text-guided', 'torchvision-v1', -3]);
  assert.equal(recipes['torchvision-v1']!.epochs, 90, 'the table entry is not changed');
});

test('each bad number names its flag, what it needs and what it got', () => {
  const flags: [keyof TrainOptions, string][] = [
    ['epochs', '--epochs'],
    ['batchSize', '--batch-size'],
    ['threads', '--threads'],
    ['embedDim', '--embed-dim'],
    ['limitTrain', '--limit-train'],
    ['limitTest', '--limit-test'],
  ];
  for (const [key, flag] of flags) {
    refuses({ [key]: 0 }, `${flag}: expected a positive integer; got 0`);
    refuses({ [key]: 2.5 }, `${flag}: expected a positive integer; got 2.5`);
  }
  refuses({ lr: 0 }, '--lr: expected a positive number; got 0');
  refuses({ lr: Infinity }, '--lr: expected a positive number; got null');
  refuses({ seed: 1.5 }, '--seed: expected an integer; got 1.5');
  refuses({ parallel: 'model' as never }, '--parallel: expected ops or data; got "model"');
});

test('unknown names list the choices; --run with --out and a missing --data-dir are refused', () => {
  refuses({ head: 'mlp' }, "unknown head (--head) 'mlp'; choose one of: linear, text-guided", 'unknown_name');
  refuses(
    { recipe: 'fast' },
    "unknown recipe 'fast'; choose one of: torchvision, torchvision-v1, fashion-quick",
    'unknown_name',
  );
  assert.throws(
    () => resolveTrainOptions({ ...base, backbone: 'resnet21' }),
    /^TgrError: unknown backbone \(--backbone\) 'resnet21'; choose one of: /,
  );
  assert.throws(
    () => resolveTrainOptions({ ...base, dataset: 'mnist2' }),
    /^TgrError: unknown dataset 'mnist2'; choose one of: /,
  );
  refuses({ run: 'a', out: 'b' }, '--run a and --out b: pass one of them');
  const missing = join(mkdtempSync(join(tmpdir(), 'tgr-options-')), 'nope');
  refuses(
    { dataDir: missing },
    `--data-dir ${missing}: not a readable folder (ENOENT); point it at the folder holding the synthetic files`,
    'bad_data',
  );
});
