import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { decodeBatch } from '../../src/data/decode-batch.js';
import { decodeImage, type DecodeTransform } from '../../src/data/image-decode.js';
import { normalizeTable } from '../../src/data/transform.js';
import { tempDir, writeImage } from './fixtures.js';

const stats = { mean: [0.5, 0.25, 0], std: [0.5, 0.25, 1] };
const lut = normalizeTable(stats, 3);
const norm = (chw: Uint8Array) => [...chw].map((v, i) => lut[Math.floor(i / (chw.length / 3)) * 256 + v]!);

test('eval: each file decoded and normalised through the table, back to back in file order', async () => {
  const dir = tempDir('decode-batch');
  const files = [join(dir, 'a.png'), join(dir, 'b.png')];
  const a = await writeImage(files[0]!, 2, 2, 1, 'png');
  const b = await writeImage(files[1]!, 2, 2, 2, 'png');
  const x = await decodeBatch({
    files,
    shape: [3, 2, 2],
    transform: { kind: 'eval', size: 2, resize: 2 },
    seed: 0,
    lut,
  });
  assert.equal(x.length, 24);
  assert.deepEqual([...x], [...norm(a), ...norm(b)].map(Math.fround));
  // (v/255 − 0.5)/0.5 for channel 0: 0 ↦ −1.
  assert.equal(lut[0], -1);
});

test('train: image k draws from Rng(`seed/k`), so a batch does not depend on decode order', async () => {
  const dir = tempDir('decode-batch-train');
  const files = [join(dir, 'a.png'), join(dir, 'b.png'), join(dir, 'c.png')];
  for (const [i, f] of files.entries()) await writeImage(f, 6, 5, i, 'png');
  const transform: DecodeTransform = { kind: 'train', size: 4, scale: [0.3, 1], ratio: [0.75, 4 / 3], flip: true };
  const x = await decodeBatch({ files, shape: [3, 4, 4], transform, seed: 42, lut });
  for (const [k, f] of files.entries()) {
    const alone = await decodeImage(f, transform, new Rng(`42/${k}`));
    assert.deepEqual([...x.subarray(k * 48, (k + 1) * 48)], norm(alone).map(Math.fround), `image ${k}`);
  }
  const other = await decodeBatch({ files, shape: [3, 4, 4], transform, seed: 43, lut });
  assert.notDeepEqual([...other], [...x], 'another seed draws other crops');
});
