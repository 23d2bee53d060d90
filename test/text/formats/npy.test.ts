import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy, readNpy, writeNpy } from '../../../src/text/formats/npy.js';

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
