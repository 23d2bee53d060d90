import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSafetensors, parseSafetensors, readFloats, type SafetensorsFile } from '../../src/core/safetensors.js';

const parsed = (bytes: Uint8Array): SafetensorsFile => {
  const f = parseSafetensors(bytes);
  assert.ok(!('problem' in f), JSON.stringify(f));
  return f;
};

test('safetensors: N-D float32 tensors and metadata round-trip, header padded to 8 bytes', () => {
  const a = { dims: [2, 1, 3], data: Float32Array.of(1, -2, 3.5, 0, 1e-30, -Infinity) };
  const b = { dims: [1], data: Float32Array.of(7) };
  const bytes = encodeSafetensors(
    [
      ['a', a],
      ['b', b],
    ],
    { format: 'x/1' },
  );
  assert.equal(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8, 0);
  const f = parsed(bytes);
  assert.deepEqual(f.metadata, { format: 'x/1' });
  assert.deepEqual([...f.entries.keys()], ['a', 'b']);
  assert.deepEqual(f.entries.get('a')!.shape, [2, 1, 3]);
  assert.deepEqual(readFloats(f, f.entries.get('a')!), a.data);
  assert.deepEqual(readFloats(f, f.entries.get('b')!), b.data);
});

test('safetensors: F16, BF16 and F64 read as float32', () => {
  const header = (dtype: string, n: number, size: number) => {
    const raw = new TextEncoder().encode(JSON.stringify({ t: { dtype, shape: [n], data_offsets: [0, n * size] } }));
    const out = new Uint8Array(8 + raw.length + n * size);
    new DataView(out.buffer).setBigUint64(0, BigInt(raw.length), true);
    out.set(raw, 8);
    return { out, view: new DataView(out.buffer, 8 + raw.length) };
  };
  const h = header('F16', 3, 2);
  [0x3c00, 0xc000, 0x0001].forEach((v, i) => h.view.setUint16(2 * i, v, true)); // 1, −2, the smallest subnormal
  const fh = parsed(h.out);
  assert.deepEqual(readFloats(fh, fh.entries.get('t')!), Float32Array.of(1, -2, 2 ** -24));
  const bf = header('BF16', 2, 2);
  [0x3fc0, 0x7f80].forEach((v, i) => bf.view.setUint16(2 * i, v, true)); // 1.5, +Inf
  const fb = parsed(bf.out);
  assert.deepEqual(readFloats(fb, fb.entries.get('t')!), Float32Array.of(1.5, Infinity));
  const d = header('F64', 1, 8);
  d.view.setFloat64(0, 0.1, true);
  const fd = parsed(d.out);
  assert.deepEqual(readFloats(fd, fd.entries.get('t')!), Float32Array.of(0.1));
});

test('safetensors: what is wrong with bad bytes is reported as data', () => {
  assert.deepEqual(parseSafetensors(new Uint8Array(4)), { problem: 'too-short' });
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 1000n, true);
  assert.deepEqual(parseSafetensors(huge), { problem: 'header-length', headerLength: 1000 });
  const junk = new Uint8Array(16).fill(0x41);
  new DataView(junk.buffer).setBigUint64(0, 8n, true);
  assert.deepEqual(parseSafetensors(junk), { problem: 'header-json', headerLength: 8 });
  const good = encodeSafetensors([['w', { dims: [4], data: new Float32Array(4) }]]);
  const cut = parsed(good.subarray(0, good.length - 1));
  assert.deepEqual(readFloats(cut, cut.entries.get('w')!), { problem: 'size' });
  const f = parsed(good);
  assert.deepEqual(readFloats(f, { ...f.entries.get('w')!, dtype: 'I64' }), { problem: 'dtype' });
});
