import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TgrError } from '../../src/core/errors.js';
import { openDataset } from '../../src/data/registry.js';
import { readStl10Split } from '../../src/data/stl10.js';
import { tempDir } from './fixtures.js';

const dir = tempDir('stl10');
const side = 96;
const value = (i: number, c: number, row: number, col: number) => (i * 41 + c * 83 + row * 3 + col * 7) & 255;

/** Writes images in STL-10's layout: per channel, column-major (the column index varies slowest). */
function writeX(path: string, n: number): void {
  const x = new Uint8Array(n * 3 * side * side);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++)
      for (let col = 0; col < side; col++)
        for (let row = 0; row < side; row++) x[((i * 3 + c) * side + col) * side + row] = value(i, c, row, col);
  writeFileSync(path, x);
}

test('STL-10: column-major pixels come back row-major (CHW) and 1-based labels 0-based', async () => {
  const d = join(dir, 'stl10_binary');
  mkdirSync(d, { recursive: true });
  writeX(join(d, 'train_X.bin'), 3);
  writeFileSync(join(d, 'train_y.bin'), Uint8Array.of(1, 10, 4));
  writeX(join(d, 'test_X.bin'), 2);
  writeFileSync(join(d, 'test_y.bin'), Uint8Array.of(2, 3));
  const names = ['airplane', 'bird', 'car', 'cat', 'deer', 'dog', 'horse', 'monkey', 'ship', 'truck'];
  writeFileSync(join(d, 'class_names.txt'), names.join('\n') + '\n');
  const ds = await openDataset('stl10', { dataDir: dir });
  assert.deepEqual(ds.shape, [3, 96, 96]);
  assert.deepEqual(ds.classNames, names);
  assert.deepEqual(Array.from(ds.splits.train!.labels), [0, 9, 3]);
  assert.deepEqual(Array.from(ds.splits.test!.labels), [1, 2]);
  const s = ds.splits.train!;
  assert.ok(s.kind === 'memory');
  const want = new Uint8Array(s.pixels.length);
  for (let i = 0; i < 3; i++)
    for (let c = 0; c < 3; c++)
      for (let row = 0; row < side; row++)
        for (let col = 0; col < side; col++) want[((i * 3 + c) * side + row) * side + col] = value(i, c, row, col);
  assert.deepEqual(s.pixels, want);
});

test('STL-10: label 0 or 11, a label count mismatch and a truncated X file are one-line errors naming the file', () => {
  const x = join(dir, 'x.bin');
  const y = join(dir, 'y.bin');
  const oneLine = (re: RegExp) => (e: unknown) =>
    e instanceof TgrError && !e.message.includes('\n') && re.test(e.message);
  writeX(x, 2);
  writeFileSync(y, Uint8Array.of(3, 0));
  assert.throws(() => readStl10Split(x, y, 10), oneLine(/y\.bin: label 0 at record 1 is out of range 1\.\.10/));
  writeFileSync(y, Uint8Array.of(11, 1));
  assert.throws(() => readStl10Split(x, y, 10), oneLine(/y\.bin: label 11 at record 0 is out of range 1\.\.10/));
  writeFileSync(y, Uint8Array.of(1));
  assert.throws(() => readStl10Split(x, y, 10), oneLine(/y\.bin: expected 2 labels .* found 1 bytes/));
  writeFileSync(x, new Uint8Array(3 * side * side + 10));
  assert.throws(
    () => readStl10Split(x, y, 10),
    oneLine(/x\.bin: expected a multiple of 27648 bytes; found 27658 bytes/),
  );
});
