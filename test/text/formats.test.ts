import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy, readNpy, writeNpy } from '../../src/text/formats/npy.js';
import { readSafetensors } from '../../src/text/formats/safetensors.js';
import { encodeSafetensors } from '../../src/core/safetensors.js';
import { readPth } from '../../src/text/formats/pth.js';
import { readMatrixFile } from '../../src/text/formats/matrix-file.js';
import { rowNorms } from '../../src/text/matrix.js';
import { tensorPickle, torchZip } from './torch-pickle.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-formats-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const m = { data: Float32Array.from([1, 2, 3, 4, 5, 6.5]), rows: 2, cols: 3 };

test('npy round-trips a float32 matrix and pads the header to 64 bytes as numpy does', () => {
  const bytes = encodeNpy(m);
  const headerEnd = bytes.length - 24;
  assert.equal(headerEnd % 64, 0);
  assert.match(
    new TextDecoder().decode(bytes.subarray(10, headerEnd)),
    /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/,
  );
  const p = join(dir, 'm.npy');
  writeNpy(p, m);
  assert.deepEqual(readNpy(p), m);
});

test('npy reads <f8 and Fortran order', () => {
  const header = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }".padEnd(117, ' ') + '\n';
  const bytes = new Uint8Array(128 + 48);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), 10);
  new Float64Array(bytes.buffer, 128).set([1, 4, 2, 5, 3, 6.5]); // column-major
  const p = join(dir, 'f.npy');
  writeFileSync(p, bytes);
  assert.deepEqual(readNpy(p), m);
});

test('npy: a non-npy file is a one-line bad_file error naming it', () => {
  const p = join(dir, 'bad.npy');
  writeFileSync(p, 'hello world');
  assert.throws(() => readNpy(p), {
    code: 'bad_file',
    message: `${p}: not a .npy file (bad magic); expected a NumPy .npy of float32/float64 written by numpy.save or tgr embed`,
  });
});

test('safetensors round-trips and needs a name when a file holds several tensors', () => {
  const p = join(dir, 'm.safetensors');
  const t = (x: typeof m) => ({ dims: [x.rows, x.cols], data: x.data });
  writeFileSync(
    p,
    encodeSafetensors(Object.entries({ emb: t(m), other: t({ data: new Float32Array(2), rows: 1, cols: 2 }) }), {
      note: 'x',
    }),
  );
  assert.deepEqual(readSafetensors(p, 'emb'), m);
  assert.throws(() => readSafetensors(p), { message: `${p}: 2 tensors; pass the tensor name (one of: emb, other)` });
  const q = join(dir, 'one.safetensors');
  writeFileSync(q, encodeSafetensors([['emb', t(m)]]));
  assert.deepEqual(readMatrixFile(q).matrix, m);
});

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

test('pth: a torch.save zip of one float32 tensor, contiguous, strided (transposed) and inside a dict', () => {
  const p = join(dir, 't.pth');
  writeFileSync(p, torchZip(tensorPickle({ numel: 6, offset: 0, size: [2, 3], stride: [3, 1] }), m.data));
  assert.deepEqual(readPth(p), m);
  // The transpose of a 3×2 storage [[1,4],[2,5],[3,6.5]] is m.
  writeFileSync(
    p,
    torchZip(
      tensorPickle({ numel: 6, offset: 0, size: [2, 3], stride: [1, 2] }),
      Float32Array.from([1, 4, 2, 5, 3, 6.5]),
    ),
  );
  assert.deepEqual(readPth(p), m);
  // An offset view: rows 1..2 of a 3×3 storage, first 3 columns... here a [1,3] slice starting at element 3.
  writeFileSync(
    p,
    torchZip(tensorPickle({ numel: 6, offset: 3, size: [1, 3], stride: [3, 1] }), m.data, 'my_features'),
  );
  assert.deepEqual(readPth(p), { data: Float32Array.from([4, 5, 6.5]), rows: 1, cols: 3 });
  writeFileSync(
    p,
    torchZip(tensorPickle({ numel: 6, offset: 0, size: [2, 3], stride: [3, 1], dictKey: 'weight' }), m.data),
  );
  assert.deepEqual(readMatrixFile(p).matrix, m);
  assert.throws(() => readPth(p, 'bias'), { message: `${p}: no tensor 'bias'; pass the tensor name (one of: weight)` });
  writeFileSync(
    p,
    torchZip(tensorPickle({ numel: 6, offset: 0, size: [2, 3], stride: [3, 1], storage: 'LongStorage' }), m.data),
  );
  assert.throws(() => readPth(p), { code: 'bad_file', message: /LongStorage is not a float type/ });
  writeFileSync(p, 'not a zip');
  assert.throws(() => readPth(p), { message: /not a zip-format PyTorch file/ });
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
