import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from '../../src/text/descriptions/registry.js';
import { checkDescriptions } from '../../src/text/descriptions/check.js';
import { WordNet } from '../../src/text/descriptions/wordnet-db.js';
import { matchClass } from '../../src/text/descriptions/wordnet.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-desc-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { cacheDir: dir, quiet: true };
const fashion = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

test('template: the paper’s "a photo of a {class}." and user templates', async () => {
  assert.deepEqual(await describe('template', ['cat', 'owl'], {}, ctx), {
    cat: ['a photo of a cat.'],
    owl: ['a photo of a owl.'],
  });
  assert.deepEqual(
    await describe('template', ['cat'], { templates: ['a sketch of a {class}.', 'itap of a {}.'] }, ctx),
    {
      cat: ['a sketch of a cat.', 'itap of a cat.'],
    },
  );
  await assert.rejects(describe('template', ['cat'], { templates: ['a photo'] }, ctx), {
    message: "--template 'a photo' has no {class} placeholder; write e.g. 'a blurry photo of a {class}.'",
  });
});

test('an unknown source lists the ones that exist', async () => {
  await assert.rejects(describe('gpt', ['cat'], {}, ctx), {
    code: 'unknown_name',
    message: "unknown description source 'gpt'; choose one of: llm, cupl, wordnet, template",
  });
});

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

test('empty description lists are a one-line error naming the class', () => {
  assert.throws(() => checkDescriptions({ cat: ['A cat.'], dog: ['  '] }, ['cat', 'dog'], 'd.json'), {
    code: 'bad_data',
    message: "d.json: class 'dog' has an empty description list; add at least one sentence or use --source template",
  });
  assert.throws(() => checkDescriptions(['x'], ['cat'], 'd.json'), {
    message: /expected a JSON object \{"class": \["sentence", …\]\} \(CuPL format\), found an array/,
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

test('wordnet: Fashion-MNIST names resolve (split on /, multiword, head noun) to sensible senses', async () => {
  const wn = new WordNet();
  const glossOf = (c: string) => matchClass(wn, c).synsets.map((s) => s.gloss.split(';')[0]);
  assert.deepEqual(glossOf('T-shirt/top'), [
    'a close-fitting pullover shirt',
    'a garment (especially for women) that extends from the shoulders to the waist or hips',
  ]);
  assert.deepEqual(matchClass(wn, 'Ankle boot').tried, ['ankle_boot', 'boot']);
  assert.deepEqual(glossOf('Ankle boot'), ['footwear that covers the whole foot and lower leg']);
  assert.deepEqual(glossOf('Trousers'), [
    '(usually in the plural) a garment extending from the waist to the knee or ankle, covering each leg separately',
  ]);
  const d = await describe('wordnet', fashion, {}, ctx);
  assert.deepEqual(d.Sneaker, [
    'A Sneaker is a canvas shoe with a pliable rubber sole.',
    'A Sneaker is also called gym shoe, tennis shoe.',
    'A Sneaker is a kind of shoe, footwear shaped to fit the foot (below the ankle) with a flexible upper of leather or plastic and a sole and heel of heavier material.',
  ]);
  assert.ok(fashion.every((c) => d[c]!.length >= 2));
  const deeper = await describe('wordnet', ['Sneaker'], { depth: 3 }, ctx);
  assert.deepEqual(deeper.Sneaker!.slice(3), ['A Sneaker is a kind of footwear.', 'A Sneaker is a kind of covering.']);
  await assert.rejects(describe('wordnet', ['Xyzzyq plugh'], {}, ctx), {
    code: 'unknown_name',
    message:
      "wordnet: class 'Xyzzyq plugh' is not a WordNet noun (tried xyzzyq_plugh, plugh); rename the class or use --source template|cupl|llm",
  });
});
