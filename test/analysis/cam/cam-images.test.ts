import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { loadCamImages } from '../../../src/analysis/cam/cam-images.js';
import { readRun } from '../../../src/analysis/run-dir.js';
import { handPair, tempDir } from '../fixtures.js';

test('CAM images: the first images both models get right, loaded from the dataset as [1, C, H, W]', async (t) => {
  const root = tempDir('cam-images');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root); // golden runs over the synthetic dataset's test images 0–3; both right on 0, 1, 2
  const images = await loadCamImages(readRun(pair.baseline), readRun(pair.textGuided), 5);
  assert.deepEqual(
    images.map((i) => [i.index, i.label]),
    [
      [0, 0],
      [1, 1],
      [2, 2],
    ],
  );
  for (const img of images) {
    assert.equal(img.tensor.dims.length, 4);
    assert.equal(img.tensor.dims[0], 1);
    assert.equal(
      img.tensor.data.length,
      img.tensor.dims.reduce((a, b) => a * b, 1),
    );
  }
});
