import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from '../../../src/text/descriptions/registry.js';
import { WordNet } from '../../../src/text/descriptions/wordnet-db.js';
import { matchClass } from '../../../src/text/descriptions/wordnet.js';

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
