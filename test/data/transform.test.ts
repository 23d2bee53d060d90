import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { drawAug, noAug, normalizeTable, writeImage } from '../../src/data/transform.js';

/** The identity table: value v reads as v (mean 0, std 1/255), so written pixels show which source they came from. */
const ident = normalizeTable({ mean: [0], std: [1 / 255] }, 1);
// One 1×3×3 image: 1 2 3 / 4 5 6 / 7 8 9.
const img = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
const write = (aug: typeof noAug) => {
  const out = new Float32Array(9);
  writeImage(img, 0, [1, 3, 3], out, 0, ident, aug);
  return [...out].map((v) => Math.round(v));
};

test('normalizeTable: (v/255 − mean)/std per channel; a missing channel reuses channel 0', () => {
  const lut = normalizeTable({ mean: [0.5, 0], std: [0.5, 1] }, 3);
  assert.deepEqual([lut[0], lut[255], lut[256 + 255], lut[512]], [-1, 1, 1, -1]);
});

test('writeImage: identity, shifted crops padded with the table value of 0, and the mirror', () => {
  assert.deepEqual(write(noAug), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(write({ dy: 1, dx: 0, flip: false }), [4, 5, 6, 7, 8, 9, 0, 0, 0]);
  assert.deepEqual(write({ dy: 0, dx: -1, flip: false }), [0, 1, 2, 0, 4, 5, 0, 7, 8]);
  assert.deepEqual(write({ dy: 0, dx: 0, flip: true }), [3, 2, 1, 6, 5, 4, 9, 8, 7]);
  // Mirrored, then shifted by one column: output x reads source column 2 − x + 1.
  assert.deepEqual(write({ dy: -1, dx: 1, flip: true }), [0, 0, 0, 0, 3, 2, 0, 6, 5]);
});

test('writeImage: offsets into larger buffers are honoured', () => {
  const src = Uint8Array.from([99, ...img]);
  const out = new Float32Array(11).fill(-7);
  writeImage(src, 1, [1, 3, 3], out, 2, ident, noAug);
  assert.deepEqual(
    [...out].map((v) => Math.round(v)),
    [-7, -7, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
});

test('drawAug: offsets within ±pad, no draws without pad or flip, reproducible from the seed', () => {
  assert.deepEqual(drawAug({ padCrop: 0, flip: false }, new Rng(1)), noAug);
  const draws = (seed: number) => {
    const rng = new Rng(seed);
    return Array.from({ length: 200 }, () => drawAug({ padCrop: 4, flip: true }, rng));
  };
  const a = draws(3);
  assert.deepEqual(a, draws(3));
  assert.ok(a.every((d) => Math.abs(d.dy) <= 4 && Math.abs(d.dx) <= 4));
  assert.deepEqual(new Set(a.map((d) => d.dx)).size, 9);
  assert.ok(a.some((d) => d.flip) && a.some((d) => !d.flip));
});
