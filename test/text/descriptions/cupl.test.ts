import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from '../../../src/text/descriptions/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-desc-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { cacheDir: dir, quiet: true };

test('cupl: checks the file against the class names and reports missing and extra classes', async () => {
  const f = join(dir, 'c.json');
  writeFileSync(f, JSON.stringify({ cat: ['A cat.'], Ankle_boot: ['A boot.'], zebra: ['Stripes.'] }));
  const warnings: string[] = [];
  const d = await describe('cupl', ['cat', 'ankle boot'], { file: f }, { ...ctx, warn: (l) => warnings.push(l) });
  assert.deepEqual(d, { cat: ['A cat.'], 'ankle boot': ['A boot.'] });
  assert.deepEqual(warnings, [
    `${f}: matched 1 classes loosely ('Ankle_boot'→'ankle boot')`,
    `${f}: ignoring 1 classes the dataset lacks (zebra)`,
  ]);
  await assert.rejects(describe('cupl', ['cat', 'dog', 'owl'], { file: f }, ctx), {
    code: 'unknown_name',
    message: `${f}: 2 of 3 classes missing ('dog', 'owl'); it has 2 classes the dataset lacks ('Ankle_boot', 'zebra'); the keys must be the dataset's class names`,
  });
  await assert.rejects(describe('cupl', ['cat'], {}, ctx), { message: /source cupl needs --cupl FILE.json/ });
  await assert.rejects(describe('cupl', ['cat'], { file: join(dir, 'nope.json') }, ctx), {
    message: `${join(dir, 'nope.json')}: no such file; pass a CuPL-format JSON file`,
  });
});

const cuplFile = '../shared/data/cupl/cifar10_prompts_full.json';

test(
  '[needs ../shared/data] cupl: CuPL’s CIFAR-10 file gives 30 sentences for each class',
  { skip: existsSync(cuplFile) ? false : `needs ${cuplFile}` },
  async () => {
    const names = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
    const d = await describe('cupl', names, { file: cuplFile }, ctx);
    assert.deepEqual(Object.keys(d), names);
    assert.ok(Object.values(d).every((s) => s.length === 30));
  },
);
