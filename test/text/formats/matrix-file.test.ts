import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMatrixFile } from '../../../src/text/formats/matrix-file.js';
import { rowNorms } from '../../../src/text/matrix.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-formats-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const m = { data: Float32Array.from([1, 2, 3, 4, 5, 6.5]), rows: 2, cols: 3 };

test('json: rows, or an object keyed by class', () => {
  const a = join(dir, 'a.json');
  writeFileSync(
    a,
    JSON.stringify([
      [1, 2, 3],
      [4, 5, 6.5],
    ]),
  );
  assert.deepEqual(readMatrixFile(a), { matrix: m });
  const b = join(dir, 'b.json');
  writeFileSync(b, JSON.stringify({ cat: [1, 2, 3], dog: [4, 5, 6.5] }));
  assert.deepEqual(readMatrixFile(b), { matrix: m, classes: ['cat', 'dog'] });
  writeFileSync(b, JSON.stringify({ cat: [1, 2, 3], dog: [4, 5] }));
  assert.throws(() => readMatrixFile(b), { message: `${b}: row 'dog' has 2 values; row 0 has 3` });
});

test('a missing matrix file or a folder is a one-line bad_file error naming it', () => {
  const kinds = '.npy, .json, .safetensors, .pth, .pt';
  const missing = join(dir, 'nope.npy');
  assert.throws(() => readMatrixFile(missing), {
    code: 'bad_file',
    message: `${missing}: no such file; pass a C×E matrix file (${kinds})`,
  });
  assert.throws(() => readMatrixFile(dir), {
    code: 'bad_file',
    message: `${dir} is a folder; pass a C×E matrix file (${kinds})`,
  });
});

const shared = '../shared/data/tgr';
const haveShared = existsSync(shared);
const skip = haveShared ? false : `needs ${shared} (absent in a fresh clone)`;

test(
  '[needs ../shared/data] precomputed: the paper’s GPT-3 text features are [1000,512] float32 with unit rows',
  { skip },
  () => {
    const { matrix } = readMatrixFile(join(shared, 'imagenet_gpt3_text_features.pth'));
    assert.equal(matrix.rows, 1000);
    assert.equal(matrix.cols, 512);
    for (const n of rowNorms(matrix)) assert.ok(Math.abs(n - 1) < 1e-4, `row norm ${n}`);
  },
);

test('[needs ../shared/data] precomputed: the a-photo-of-a features have row norms in [6.5, 11.9]', { skip }, () => {
  const { matrix } = readMatrixFile(join(shared, 'imagenet_a_photo_of_a_text_features.pth'));
  assert.deepEqual([matrix.rows, matrix.cols], [1000, 512]);
  const norms = Array.from(rowNorms(matrix));
  assert.ok(
    Math.min(...norms) >= 6.5 && Math.max(...norms) <= 11.9,
    `norms ${Math.min(...norms)}..${Math.max(...norms)}`,
  );
});
