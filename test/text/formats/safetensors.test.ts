import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '../../../src/text/formats/safetensors.js';
import { encodeSafetensors } from '../../../src/core/safetensors.js';
import { readMatrixFile } from '../../../src/text/formats/matrix-file.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-formats-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const m = { data: Float32Array.from([1, 2, 3, 4, 5, 6.5]), rows: 2, cols: 3 };

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
