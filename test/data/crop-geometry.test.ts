import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { centerCrop, randomResizedCropBox, resizeShorter, roundHalfEven } from '../../src/data/crop-geometry.js';

test('roundHalfEven rounds halves to even as Python does', () => {
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, 4, 2, 3]);
});

test('Resize(256) + CenterCrop(224) give torchvision’s sizes and offsets', () => {
  assert.deepEqual(resizeShorter(500, 375, 256), [341, 256]); // int(256·500/375) = 341
  assert.deepEqual(resizeShorter(375, 500, 256), [256, 341]);
  assert.deepEqual(resizeShorter(300, 300, 256), [256, 256]);
  assert.deepEqual(centerCrop(341, 256, 224), { left: 58, top: 16, width: 224, height: 224 }); // round(58.5) = 58
  assert.deepEqual(centerCrop(9, 9, 4), { left: 2, top: 2, width: 4, height: 4 });
});

test('RandomResizedCrop boxes lie inside the image with area and aspect in range, reproducibly', () => {
  const rng = new Rng(9);
  for (let i = 0; i < 500; i++) {
    const b = randomResizedCropBox(320, 240, [0.08, 1], [3 / 4, 4 / 3], rng);
    assert.ok(b.left >= 0 && b.top >= 0 && b.left + b.width <= 320 && b.top + b.height <= 240, JSON.stringify(b));
    const area = (b.width * b.height) / (320 * 240);
    assert.ok(area > 0.07 && area <= 1.01, `area ${area}`);
    if (b.width < 320 || b.height < 240) assert.ok(b.width / b.height > 0.7 && b.width / b.height < 1.4);
  }
  assert.deepEqual(
    randomResizedCropBox(320, 240, [0.08, 1], [3 / 4, 4 / 3], new Rng(4)),
    randomResizedCropBox(320, 240, [0.08, 1], [3 / 4, 4 / 3], new Rng(4)),
  );
});

test('RandomResizedCrop falls back to a centred crop at the nearest allowed aspect after 10 misses', () => {
  // A 100×1 strip never fits a box of aspect ≤ 4/3 and area ≥ 90%: torchvision then takes h = 1, w = round(4/3) = 1.
  assert.deepEqual(randomResizedCropBox(100, 1, [0.9, 1], [3 / 4, 4 / 3], new Rng(0)), {
    left: 49,
    top: 0,
    width: 1,
    height: 1,
  });
});
