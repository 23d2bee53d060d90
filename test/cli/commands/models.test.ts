import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../run-cli.js';

test('tgr models --dataset cifar10: per backbone, parameters and MACs of both heads and the difference', async () => {
  const { code, out } = await runCli('models', '--dataset', 'cifar10', '--embed-dim', '512');
  const lines = out.trimEnd().split('\n');
  assert.equal(code, 0);
  assert.equal(lines[0], 'cifar10: 3×32×32 input, 10 classes; text-guided head with E = 512; MACs per image');
  const row = (name: string) =>
    lines
      .find((l) => l.startsWith(`${name} `))!
      .trim()
      .split(/\s{2,}/);
  // ResNet-20: 269,722 parameters; the head adds 64·512+512 + 10·512 + 1 − (64·10+10) = 37,751.
  assert.deepEqual(row('resnet20'), [
    'resnet20',
    '269,722',
    '307,473',
    '+37,751 (+0.04M)',
    '40,551,040',
    '40,588,288',
    '+37,248 (+0.04M)',
  ]);
  assert.equal(row('alexnet').join(' '), "alexnet n/a: a 3×32×32 input is too small: 'features.12' would output 0×0");
  assert.equal(row('maxvit-t').join(' '), 'maxvit-t n/a: a 3×32×32 input gives block maps 8×8, 4×4, 2×2, 1×1');
  assert.equal(lines.length, 2 + 22);
});

test('tgr models: an unknown --dataset lists the known layouts', async () => {
  const { code, err } = await runCli('models', '--dataset', 'mnist');
  assert.equal(code, 2);
  assert.equal(
    err,
    "tgr: option '--dataset <name>' argument 'mnist' is invalid. Expected one of: imagenet, cifar10, fashion-mnist (see tgr models --help)\n",
  );
});
