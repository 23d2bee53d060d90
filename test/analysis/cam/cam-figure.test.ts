import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { camFigure } from '../../../src/analysis/cam/cam-figure.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { Rng } from '../../../src/core/rng.js';
import { tinyCnn } from '../fixtures.js';

test('Fig. 2 data: four decodable panels per image; LSB weight flips keep the maps', async () => {
  const rng = new Rng(4);
  const images = [0, 1].map((index) => ({
    index,
    label: index,
    tensor: f32(
      [1, 1, 8, 8],
      Array.from({ length: 64 }, () => rng.next()),
    ),
  }));
  const fig = await camFigure(tinyCnn('fc', 1), tinyCnn('proj', 1), images, { flips: 6, seed: 3, bits: [0] });
  assert.deepEqual(fig.layers, { baseline: 'conv2', textGuided: 'conv2' });
  assert.equal(fig.images.length, 2);
  for (const img of fig.images) {
    assert.deepEqual(
      img.panels.map((p) => [p.model, p.faulty]),
      [
        ['baseline', false],
        ['baseline', true],
        ['textGuided', false],
        ['textGuided', true],
      ],
    );
    for (const p of [...img.panels.map((x) => x.png), img.imagePng]) {
      const png = PNG.sync.read(Buffer.from(p, 'base64'));
      assert.deepEqual([png.width, png.height], [128, 128]); // 8×8 drawn in 16-pixel blocks
    }
  }
  // Flipping the mantissa's lowest bit moves each weight by one ulp: the maps stay put.
  for (const m of [fig.meanSimilarity.baseline, fig.meanSimilarity.textGuided])
    assert.ok(m === null || m > 0.999, `similarity ${m}`);
  assert.ok(fig.meanSimilarity.baseline !== null, 'at least one map is non-empty, so the similarity check ran');
});
