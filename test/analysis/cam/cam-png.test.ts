import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { imageRgb, jet, overlayPng } from '../../../src/analysis/cam/cam-png.js';
import { TgrError } from '../../../src/core/errors.js';
import { f32 } from '../../../src/onnx/tensor.js';

/** The PNG's RGBA bytes, row-major. */
const pixels = (png: Uint8Array) => {
  const p = PNG.sync.read(Buffer.from(png));
  return { width: p.width, height: p.height, data: [...p.data] };
};

test('jet: blue at 0, cyan–green–yellow through the middle, red at 1; out of range and NaN clamp', () => {
  assert.deepEqual(jet(0), [0, 0, 128]);
  assert.deepEqual(jet(0.25), [0, 128, 255]);
  assert.deepEqual(jet(0.5), [128, 255, 128]);
  assert.deepEqual(jet(0.75), [255, 128, 0]);
  assert.deepEqual(jet(1), [128, 0, 0]);
  assert.deepEqual(jet(2), jet(1));
  assert.deepEqual(jet(-1), jet(0));
  assert.deepEqual(jet(NaN), jet(0));
});

test('imageRgb stretches an image over its own range: grey to three equal channels, colour planes interleaved', () => {
  const grey = imageRgb(f32([1, 1, 2, 2], [-1, 0, 1, 2]));
  assert.deepEqual([grey.height, grey.width], [2, 2]);
  assert.deepEqual([...grey.rgb], [0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255]);
  // Planes R = [0, 4], G = [2, 2], B = [4, 0] over the range 0..4.
  const colour = imageRgb(f32([1, 3, 1, 2], [0, 4, 2, 2, 4, 0]));
  assert.deepEqual([...colour.rgb], [0, 128, 255, 255, 128, 0]);
  // A non-finite pixel is black and left out of the range; a flat image is all 0.
  assert.deepEqual([...imageRgb(f32([1, 1, 1, 3], [NaN, 1, 3])).rgb], [0, 0, 0, 0, 0, 0, 255, 255, 255]);
  assert.deepEqual([...imageRgb(f32([1, 1, 1, 2], [7, 7])).rgb], [0, 0, 0, 0, 0, 0]);
});

test('imageRgb refuses a tensor that is not [1, 1|3, H, W]', () => {
  assert.throws(
    () => imageRgb(f32([1, 2, 1, 1], [0, 0])),
    (e) => e instanceof TgrError && e.message === 'an image to draw must be [1, 1|3, H, W]; got [1,2,1,1]',
  );
});

test('overlayPng without heat is the image, opaque, each pixel a scale×scale block', () => {
  const rgb = new Uint8Array([10, 20, 30, 40, 50, 60]);
  assert.deepEqual(pixels(overlayPng(rgb, 1, 2)), { width: 2, height: 1, data: [10, 20, 30, 255, 40, 50, 60, 255] });
  const big = pixels(overlayPng(rgb, 1, 2, undefined, { scale: 2 }));
  assert.deepEqual([big.width, big.height], [4, 2]);
  const row = [10, 20, 30, 255, 10, 20, 30, 255, 40, 50, 60, 255, 40, 50, 60, 255];
  assert.deepEqual(big.data, [...row, ...row]);
});

test('overlayPng blends the jet colour of the heat by alpha, per image pixel or per output pixel', () => {
  const rgb = new Uint8Array([200, 200, 200, 0, 0, 0]);
  const heat = new Float32Array([0, 1]);
  // alpha ½: (200 + 0)/2, (200 + 0)/2, (200 + 128)/2 | (0 + 128)/2, 0, 0.
  assert.deepEqual(pixels(overlayPng(rgb, 1, 2, heat)).data, [100, 100, 164, 255, 64, 0, 0, 255]);
  assert.deepEqual(pixels(overlayPng(rgb, 1, 2, heat, { alpha: 1 })).data, [0, 0, 128, 255, 128, 0, 0, 255]);
  assert.deepEqual(pixels(overlayPng(rgb, 1, 2, heat, { alpha: 0 })).data, [200, 200, 200, 255, 0, 0, 0, 255]);
  // A heat value per output pixel (scale 2: 2×4) lies over the blocky image.
  const fine = new Float32Array([0, 1, 0, 1, 0, 0, 0, 0]);
  const out = pixels(overlayPng(rgb, 1, 2, fine, { scale: 2, alpha: 1 }));
  const [blue, red] = [
    [0, 0, 128, 255],
    [128, 0, 0, 255],
  ];
  assert.deepEqual(out.data, [...blue, ...red, ...blue, ...red, ...blue, ...blue, ...blue, ...blue]);
});

test('overlayPng refuses a heat map of neither size, naming both counts', () => {
  assert.throws(
    () => overlayPng(new Uint8Array(12), 2, 2, new Float32Array(5), { scale: 2 }),
    (e) => e instanceof TgrError && e.message === 'heat map has 5 values; the image has 2×2 = 4 pixels',
  );
});
