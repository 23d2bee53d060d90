import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPth } from '../../../src/text/formats/pth.js';
import { readMatrixFile } from '../../../src/text/formats/matrix-file.js';
import { tensorPickle, torchZip } from '../torch-pickle.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-formats-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const m = { data: Float32Array.from([1, 2, 3, 4, 5, 6.5]), rows: 2, cols: 3 };

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
