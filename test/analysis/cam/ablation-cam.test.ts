import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';
import type { Model } from '../../../src/onnx/types.js';
import { ablationCam, openCam, resizeBilinear } from '../../../src/analysis/cam/ablation-cam.js';
import { Rng } from '../../../src/core/rng.js';
import { lastConv } from '../../../src/analysis/cam/cam-layer.js';
import { imageRgb, jet, overlayPng } from '../../../src/analysis/cam/cam-png.js';

/**
 * conv0 → relu → conv (1×1, 3 channels) → relu → GAP → fc. The last conv copies input channel 0 to A0, input channel 1
 * to A1 and their mean to A2; class 0 reads A1 alone, class 1 reads A0 alone.
 */
function tiny(): Model {
  const b = new GraphBuilder('tiny');
  const x = b.input('input', 'float32', ['N', 2, 4, 4]);
  const id = b.conv(x, b.initializer('c0.w', f32([2, 2, 1, 1], [1, 0, 0, 1])), undefined, { name: 'c0' });
  const a = b.conv(b.relu(id), b.initializer('c1.w', f32([3, 2, 1, 1], [1, 0, 0, 1, 0.5, 0.5])), undefined, {
    name: 'c1',
  });
  const fc = b.gemm(
    b.flatten(b.globalAveragePool(b.relu(a))),
    b.initializer('fc.w', f32([2, 3], [0, 1, 0, 1, 0, 0])),
    b.initializer('fc.b', f32([2], [0, 0])),
    { transB: 1, name: 'fc' },
  );
  b.output(fc, 'logits');
  return b.finishModel();
}

/** Channel 1 is bright in the top-left 2×2 only; channel 0 is dim everywhere. */
const image = f32(
  [1, 2, 4, 4],
  [...new Array(16).fill(0.1), ...Array.from({ length: 16 }, (_, p) => (p % 4 < 2 && p < 8 ? 4 : 0))],
);

test('the channel that alone drives the class gets the highest weight (exactly 1), the others 0', async () => {
  const r = await ablationCam(tiny(), image, { classIndex: 0, batch: 2 });
  assert.equal(r.layer, 'c1');
  assert.equal(r.predicted, 0);
  assert.deepEqual(
    r.weights.map((w) => Math.round(w * 1e6) / 1e6),
    [0, 1, 0],
  );
  assert.deepEqual(r.camSize, [4, 4]);
  // CAM = ReLU(1·A1): the bright quadrant, heat 1 there and 0 far from it.
  assert.equal(r.heat[0], 1);
  assert.equal(r.heat[15], 0);
  assert.equal(r.nonFinite, false);
});

test('explaining the other class moves the weight to its channel', async () => {
  const r = await ablationCam(tiny(), image, { classIndex: 1 });
  const best = r.weights.indexOf(Math.max(...r.weights));
  assert.equal(best, 0);
});

test('lastConv picks the last Conv node and a model without one is refused', () => {
  assert.equal(lastConv(tiny()), 'c1');
  const b = new GraphBuilder('mlp');
  b.output(b.relu(b.input('input', 'float32', ['N', 3])), 'logits');
  assert.throws(() => lastConv(b.finishModel()), /Ablation-CAM needs a convolution/);
});

test('bilinear resize keeps constants and matches half-pixel centres', () => {
  assert.deepEqual([...resizeBilinear(Float32Array.of(2, 2, 2, 2), 2, 2, 3, 3)], new Array(9).fill(2));
  // 1×2 → 1×4: centres at −0.25, 0.25, 0.75, 1.25 of the source → clamped 0, 0.25, 0.75, 1.
  assert.deepEqual([...resizeBilinear(Float32Array.of(0, 4), 1, 2, 1, 4)], [0, 1, 3, 4]);
});

test('the overlay PNG decodes to the image size times the scale; jet runs blue to red', async () => {
  const r = await ablationCam(tiny(), image, { classIndex: 0 });
  const { rgb, height, width } = imageRgb({
    ...image,
    dims: [1, 1, 4, 4],
    data: (image.data as Float32Array).slice(16),
  });
  for (const scale of [1, 3]) {
    const png = PNG.sync.read(Buffer.from(overlayPng(rgb, height, width, r.heat, { scale })));
    assert.equal(png.width, 4 * scale);
    assert.equal(png.height, 4 * scale);
  }
  assert.deepEqual(jet(0), [0, 0, 128]);
  assert.deepEqual(jet(1), [128, 0, 0]);
  assert.throws(
    () => overlayPng(rgb, height, width, new Float32Array(3)),
    /heat map has 3 values; the image has 4×4 = 16 pixels/,
  );
});

test('one runner over 18 images (two prefix batches) gives each image the map it gets alone, in order', async () => {
  const rng = new Rng(12);
  const imgs = Array.from({ length: 18 }, () =>
    f32(
      [1, 2, 4, 4],
      Array.from({ length: 32 }, () => rng.next() * 4),
    ),
  );
  const classes = imgs.map((_, i) => i % 2);
  const runner = await openCam(tiny(), 'c1', [2, 4, 4], { batch: 7 });
  const together = await runner.explain(imgs, classes);
  await runner.release();
  assert.equal(together.length, 18);
  for (let i = 0; i < 18; i++) {
    const alone = await ablationCam(tiny(), imgs[i]!, { classIndex: classes[i]!, layer: 'c1' });
    assert.equal(together[i]!.classIndex, classes[i]);
    assert.equal(together[i]!.predicted, alone.predicted);
    together[i]!.weights.forEach((w, k) =>
      assert.ok(Math.abs(w - alone.weights[k]!) < 1e-5, `image ${i} channel ${k}`),
    );
  }
});
