import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEmbeddingDim, classEmbeddings, loadClassEmbeddings } from '../../src/text/class-embeddings.js';
import { cosineMatrix, rowNorms } from '../../src/text/matrix.js';
import { writeNpy } from '../../src/text/formats/npy.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-emb-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
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
const unit = (m: { matrix: Float32Array; classes: number; dim: number }) =>
  Array.from(rowNorms({ data: m.matrix, rows: m.classes, cols: m.dim })).every((n) => Math.abs(n - 1) < 1e-5);

test(
  'wordnet + glove: a 10×100 unit matrix for Fashion-MNIST offline, where Sneaker is nearer Sandal and Ankle boot than Trouser',
  { timeout: 60_000 },
  async () => {
    const cacheDir = join(dir, 'cache');
    const e = await classEmbeddings({
      classNames: fashion,
      source: 'wordnet',
      encoder: 'glove',
      cacheDir,
      quiet: true,
    });
    assert.deepEqual([e.classes, e.dim, e.matrix.length], [10, 100, 1000]);
    assert.ok(unit(e));
    assert.equal(e.meta.source, 'wordnet');
    assert.equal(e.meta.cached, false);
    assert.equal(e.meta.counts!.Sneaker, 3);
    const cos = cosineMatrix({ data: e.matrix, rows: 10, cols: 100 });
    const at = (a: string, b: string) => cos.data[fashion.indexOf(a) * 10 + fashion.indexOf(b)]!;
    assert.ok(
      at('Sneaker', 'Sandal') > at('Sneaker', 'Trouser'),
      `sandal ${at('Sneaker', 'Sandal')} vs trouser ${at('Sneaker', 'Trouser')}`,
    );
    assert.ok(
      at('Sneaker', 'Ankle boot') > at('Sneaker', 'Trouser'),
      `ankle boot ${at('Sneaker', 'Ankle boot')} vs trouser ${at('Sneaker', 'Trouser')}`,
    );

    const again = await classEmbeddings({
      classNames: fashion,
      source: 'wordnet',
      encoder: 'glove',
      cacheDir,
      quiet: true,
    });
    assert.equal(again.meta.cached, true);
    assert.deepEqual(again.matrix, e.matrix);
    assert.equal(again.meta.descriptionsHash, e.meta.descriptionsHash);
    assert.equal(readdirSync(join(cacheDir, 'embeddings')).length, 1);
  },
);

test('class embedding = normalised mean of normalised sentence embeddings', async () => {
  // "cat" and "cat cat" embed identically under glove (a mean of word vectors), so [cat, dog] averages two unit rows.
  const cacheDir = join(dir, 'cache2');
  const one = await classEmbeddings({
    classNames: ['kitten', 'puppy', 'pets'],
    descriptions: { kitten: ['cat'], puppy: ['dog'], pets: ['cat.', 'a dog'] },
    encoder: 'glove',
    cacheDir,
    quiet: true,
  });
  const expected = Array.from({ length: 100 }, (_, j) => one.matrix[j]! + one.matrix[100 + j]!);
  const n = Math.hypot(...expected);
  for (let j = 0; j < 100; j++) assert.ok(Math.abs(one.matrix[200 + j]! - expected[j]! / n) < 1e-6);
  assert.equal(one.meta.source, 'given');
});

test('random: seeded unit rows, the same row for a class whatever the order; precomputed aligns rows by name', async () => {
  const a = await classEmbeddings({
    classNames: ['cat', 'dog'],
    encoder: 'random',
    encoderOptions: { seed: 7, dim: 16 },
    cacheDir: dir,
  });
  const b = await classEmbeddings({
    classNames: ['dog', 'cat'],
    encoder: 'random',
    encoderOptions: { seed: 7, dim: 16 },
    cacheDir: dir,
  });
  assert.ok(unit(a));
  assert.deepEqual(a.matrix.subarray(0, 16), b.matrix.subarray(16, 32));
  const c = await classEmbeddings({
    classNames: ['cat'],
    encoder: 'random',
    encoderOptions: { seed: 8, dim: 16 },
    cacheDir: dir,
  });
  assert.notDeepEqual(c.matrix, a.matrix.subarray(0, 16));

  const f = join(dir, 'p.npy');
  writeNpy(f, { data: Float32Array.from([3, 4, 0, 0, 0, 2]), rows: 3, cols: 2 });
  writeFileSync(join(dir, 'p.txt'), 'cat\ndog\nowl\n');
  const p = await classEmbeddings({
    classNames: ['owl', 'cat'],
    encoder: 'precomputed',
    encoderOptions: { file: f, classNamesFile: join(dir, 'p.txt') },
    cacheDir: dir,
  });
  assert.deepEqual(Array.from(p.matrix), [0, 1, Math.fround(0.6), Math.fround(0.8)]);
  assert.deepEqual(p.meta.rawNorms, [2, 5]);
});

test('loadClassEmbeddings reads --class-embeddings files and reports unknown classes and dimension mismatches in one line', async () => {
  const f = join(dir, 'e.json');
  writeFileSync(f, JSON.stringify({ cat: [1, 0, 0], dog: [0, 2, 0] }));
  const e = await loadClassEmbeddings(f, ['dog', 'cat']);
  assert.deepEqual(Array.from(e.matrix), [0, 1, 0, 1, 0, 0]);
  assert.equal(e.meta.encoder, `file:${f}`);
  await assert.rejects(loadClassEmbeddings(f, ['cat', 'zebra', 'yak']), {
    code: 'unknown_name',
    message: `${f}: no row named 'zebra', 'yak' among its 2 class names; check --class-names or the dataset's class names`,
  });
  await assert.rejects(loadClassEmbeddings(f, ['cat', 'dog'], { dim: 512 }), {
    code: 'shape_mismatch',
    message: `${f}: class embeddings have E=3 but the text-guided head's latent dimension is 512; pass --embed-dim 3 or use an encoder with E=512`,
  });
  assert.throws(() => checkEmbeddingDim(e, 100, 'model.onnx'), {
    message: /^model\.onnx: class embeddings have E=3 but/,
  });
  const g = join(dir, 'rows.npy');
  writeNpy(g, { data: new Float32Array([1, 0, 0, 1, 1, 1]), rows: 3, cols: 2 });
  await assert.rejects(loadClassEmbeddings(g, ['cat', 'dog']), {
    code: 'shape_mismatch',
    message: `${g} has 3 rows but there are 2 classes; pass --class-names FILE naming the file's rows`,
  });
  await assert.rejects(classEmbeddings({ classNames: ['cat'], encoder: 'bert', cacheDir: dir }), {
    message: "unknown text encoder 'bert'; choose one of: clip, glove, precomputed, random",
  });
});

test('descriptions that glove cannot read, and empty lists, are one-line errors naming the class', async () => {
  await assert.rejects(
    classEmbeddings({
      classNames: ['cat', 'qq'],
      descriptions: { cat: ['a cat'], qq: ['zzqxv vvqxz.'] },
      encoder: 'glove',
      cacheDir: dir,
      quiet: true,
    }),
    {
      code: 'bad_data',
      message:
        "class 'qq': none of its 1 descriptions could be embedded by glove (no known words); give descriptions in English or use another --encoder",
    },
  );
  await assert.rejects(
    classEmbeddings({ classNames: ['cat'], descriptions: { cat: [] }, encoder: 'glove', cacheDir: dir }),
    {
      message:
        "descriptions (given): class 'cat' has an empty description list; add at least one sentence or use --source template",
    },
  );
});

test('glove refuses class names it knows no word of, naming them; --allow-unknown-words warns instead', async () => {
  // Under a template every unknown name leaves only "photo": the rows would be identical.
  const request = {
    classNames: ['qwzx', 'cat', 'blorp'],
    source: 'template',
    encoder: 'glove',
    cacheDir: join(dir, 'cache-unknown'),
    quiet: true,
  };
  const refusal =
    "glove knows no word of class names 'qwzx', 'blorp': such a row comes from the other words of its descriptions alone (identical rows under a template); use English class names, or pass --allow-unknown-words to embed them from their descriptions anyway";
  await assert.rejects(classEmbeddings(request), { code: 'bad_data', message: refusal });
  const warnings: string[] = [];
  const e = await classEmbeddings({
    ...request,
    encoderOptions: { allowUnknownWords: true },
    warn: (l) => warnings.push(l),
  });
  assert.deepEqual(warnings, [
    "glove: no known word in class names 'qwzx', 'blorp'; such rows come from the other words of their descriptions alone",
  ]);
  const cos = cosineMatrix({ data: e.matrix, rows: 3, cols: 100 });
  assert.ok(Math.abs(cos.data[2]! - 1) < 1e-6, `cosine(qwzx, blorp) = ${cos.data[2]}`);
  assert.ok(cos.data[1]! < 0.9, `cosine(qwzx, cat) = ${cos.data[1]}`);
  // The matrix is cached now; the refusal does not depend on the cache.
  await assert.rejects(classEmbeddings(request), { message: refusal });
  await assert.rejects(classEmbeddings({ ...request, classNames: ['cat', 'qwzx'] }), {
    message: /^glove knows no word of class name 'qwzx': such a row /,
  });
});

test('glove warns about the descriptions it skips for having no known word', async () => {
  const warnings: string[] = [];
  const e = await classEmbeddings({
    classNames: ['cat', 'dog'],
    descriptions: { cat: ['a cat', 'zzqxv vvqxz.'], dog: ['a dog'] },
    encoder: 'glove',
    cacheDir: join(dir, 'cache-skip'),
    quiet: true,
    warn: (l) => warnings.push(l),
  });
  assert.deepEqual(warnings, ["glove: skipping 1 description(s) with no known word: 'zzqxv vvqxz.' of 'cat'"]);
  const alone = await classEmbeddings({
    classNames: ['cat', 'dog'],
    descriptions: { cat: ['a cat'], dog: ['a dog'] },
    encoder: 'glove',
    cacheDir: join(dir, 'cache-skip'),
    quiet: true,
  });
  assert.deepEqual(e.matrix, alone.matrix);
});

const shared = '../shared/data/tgr';
test(
  '[needs ../shared/data] precomputed: the released ImageNet features align with the class-names file',
  { skip: existsSync(shared) ? false : `needs ${shared}` },
  async () => {
    const e = await loadClassEmbeddings(
      join(shared, 'imagenet_a_photo_of_a_text_features.pth'),
      ['goldfish', 'tench'],
      {
        classNamesFile: join(shared, 'imagenet_class_names.json'),
        dim: 512,
      },
    );
    assert.deepEqual([e.classes, e.dim], [2, 512]);
    assert.ok(unit(e));
    assert.ok(e.meta.rawNorms[0] >= 6.5 && e.meta.rawNorms[1] <= 11.9);
  },
);
