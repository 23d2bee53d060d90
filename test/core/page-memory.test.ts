import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageMemory } from '../../src/core/page-memory.js';

test('pageMemory gives whole zeroed 64 KiB pages holding the bytes asked, writable through typed views', () => {
  const m = pageMemory(100_000);
  assert.equal(m.byteLength, 2 * 65_536);
  assert.ok(new Uint8Array(m).every((b) => b === 0));
  const f = new Float32Array(m, 64, 10);
  const d = new Float64Array(m, 128, 2);
  f.set([1.5, -2]);
  d[1] = 0.1;
  assert.deepEqual([...new Float32Array(m, 64, 2)], [1.5, -2]);
  assert.equal(new Float64Array(m, 136, 1)[0], 0.1);
  assert.equal(pageMemory(65_536).byteLength, 65_536);
  assert.equal(pageMemory(0).byteLength, 0);
});
