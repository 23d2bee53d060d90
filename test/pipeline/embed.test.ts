import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TgrError } from '../../src/core/errors.js';
import { embedStage, pickClassRows } from '../../src/pipeline/embed.js';
import { presets } from '../../src/pipeline/presets.js';
import { readNpy } from '../../src/text/formats/npy.js';

/** Rows 0..3 of a 4×2 matrix: (1, 0), (0, 2), (3, 4), (0, 0). */
const m = { data: Float32Array.of(1, 0, 0, 2, 3, 4, 0, 0), rows: 4, cols: 2 };
const names = ['cat', 'dog', 'ox', 'none'];

const refuses = (fn: () => unknown, message: string) =>
  assert.throws(fn, (e: unknown) => e instanceof TgrError && e.code === 'bad_argument' && e.message === message);

test('pickClassRows takes one row per class in class order: digits are a row index, anything else a row name', () => {
  const out = pickClassRows(m, names, ['2', 'cat', 'dog'], ['a', 'b', 'c'], 'm.npy');
  assert.deepEqual(out, { data: Float32Array.of(3, 4, 1, 0, 0, 2), rows: 3, cols: 2 });
  assert.deepEqual(pickClassRows(m, undefined, ['1', '1'], ['a', 'b'], 'm.npy').data, Float32Array.of(0, 2, 0, 2));
});

test('pickClassRows: a wrong count, an index past the rows and a name without row names are one-line errors', () => {
  refuses(
    () => pickClassRows(m, names, ['0'], ['a', 'b'], 'm.npy'),
    '--class-rows lists 1 rows for 2 classes (a, b); give one row index or name per class, in this order',
  );
  refuses(
    () => pickClassRows(m, names, ['4'], ['a'], 'm.npy'),
    '--class-rows 4: m.npy has rows 0–3; give a row index in that range or a row name',
  );
  refuses(
    () => pickClassRows(m, undefined, ['cat'], ['a'], 'm.npy'),
    "--class-rows 'cat' is a row name but m.npy carries no row names; pass --class-names FILE or row indices",
  );
});

const request = (out: string, over: Partial<(typeof presets)['quick']>, init: 'descriptions' | 'template') => ({
  init,
  preset: { ...presets.quick!, ...over },
  classNames: ['a', 'b'],
  out,
  stamps: join(out, 'stamps'),
  cacheDir: join(out, 'cache'),
  quiet: true,
  log: () => {},
});

test('from a precomputed matrix with --class-rows: unit rows in class order, rerun skipped, an edited file reruns', async () => {
  const out = mkdtempSync(join(tmpdir(), 'tgr-embed-'));
  const file = join(out, 'features.json');
  writeFileSync(file, JSON.stringify({ cat: [3, 4], dog: [0, 2], ox: [1, 0] }));
  const log: string[] = [];
  const r = {
    ...request(out, { classEmbeddings: file, classRows: ['ox', '0'] }, 'descriptions'),
    log: (l: string) => void log.push(l),
  };
  const first = await embedStage(r);
  assert.equal(first.file, join(out, 'class-embeddings.npy'));
  assert.deepEqual(readNpy(first.file), { data: Float32Array.of(1, 0, 0.6, 0.8), rows: 2, cols: 2 });
  const again = await embedStage(r);
  assert.equal(again.hash, first.hash);
  writeFileSync(file, JSON.stringify({ cat: [0, 5], dog: [0, 2], ox: [2, 0] }));
  const edited = await embedStage(r);
  assert.notEqual(edited.hash, first.hash);
  assert.deepEqual(log, [
    'embed-descriptions: running',
    'embed-descriptions: up to date, skipped',
    'embed-descriptions: running',
  ]);
  assert.deepEqual(readNpy(first.file).data, Float32Array.of(1, 0, 0, 1));
  writeFileSync(file, JSON.stringify({ cat: [0, 0], dog: [0, 2], ox: [2, 0] }));
  await assert.rejects(embedStage(r), {
    code: 'bad_data',
    message: `--class-rows 0: that row of ${file} is all zeros; it cannot initialise a head row`,
  });
});

test('the template initialisation writes its own descriptions and matrix beside the main ones', async () => {
  const out = mkdtempSync(join(tmpdir(), 'tgr-embed-'));
  const r = await embedStage(request(out, { encoder: 'random' }, 'template'));
  assert.equal(r.file, join(out, 'class-embeddings-template.npy'));
  const d = JSON.parse(readFileSync(join(out, 'descriptions-template.json'), 'utf8')) as Record<string, string[]>;
  assert.deepEqual(Object.keys(d), ['a', 'b']);
  const e = readNpy(r.file);
  assert.deepEqual([e.rows, e.cols], [2, 512]);
  assert.equal(existsSync(join(out, 'class-embeddings.npy')), false);
  assert.match(r.hash, /^[0-9a-f]+$/);
});
