import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';
import type { Model } from '../../../src/onnx/types.js';
import { Rng } from '../../../src/core/rng.js';
import { camFigure } from '../../../src/analysis/cam/cam-figure.js';

/** conv(2→4) → relu → conv(4→4) → relu → GAP → head; the head differs by name and size per model. */
function model(head: string, rng: Rng): Model {
  const r = (dims: number[]) => f32(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.normal() * 0.5));
  const b = new GraphBuilder(head);
  const x = b.input('input', 'float32', ['N', 1, 6, 6]);
  const c0 = b.relu(b.conv(x, b.initializer('c0.w', r([4, 1, 3, 3])), undefined, { pads: [1, 1, 1, 1], name: 'c0' }));
  const c1 = b.relu(b.conv(c0, b.initializer('c1.w', r([4, 4, 3, 3])), undefined, { pads: [1, 1, 1, 1], name: 'c1' }));
  const y = b.gemm(b.flatten(b.globalAveragePool(c1)), b.initializer(`${head}.w`, r([3, 4])), undefined, { transB: 1, name: head });
  b.output(y, 'logits');
  return b.finishModel();
}

test('Fig. 2 data: four decodable panels per image; LSB weight flips keep the maps', async () => {
  const base = model('fc', new Rng(1));
  const rng = new Rng(1);
  const tg = model('proj', rng);
  const images = [0, 1].map((index) => ({ index, label: index, tensor: f32([1, 1, 6, 6], Array.from({ length: 36 }, () => rng.next())) }));
  const fig = await camFigure(base, tg, images, { flips: 6, seed: 3, bits: [0] });
  assert.deepEqual(fig.layers, { baseline: 'c1', textGuided: 'c1' });
  assert.equal(fig.images.length, 2);
  for (const img of fig.images) {
    assert.deepEqual(img.panels.map((p) => [p.model, p.faulty]), [['baseline', false], ['baseline', true], ['textGuided', false], ['textGuided', true]]);
    for (const p of [...img.panels.map((x) => x.png), img.imagePng]) {
      const png = PNG.sync.read(Buffer.from(p, 'base64'));
      assert.deepEqual([png.width, png.height], [126, 126]); // 6×6 drawn in 21-pixel blocks
    }
  }
  // Flipping the mantissa's lowest bit moves each weight by one ulp: the maps stay put.
  for (const m of [fig.meanSimilarity.baseline, fig.meanSimilarity.textGuided]) assert.ok(m === null || m > 0.999, `similarity ${m}`);
});
