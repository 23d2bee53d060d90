import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { camFigure, type CamInput } from '../../../src/analysis/cam/cam-figure.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { Rng } from '../../../src/core/rng.js';
import { buildModel } from '../../../src/models/registry.js';
import { tinyCnn } from '../fixtures.js';

function images(count: number, dims: number[], seed: number): CamInput[] {
  const rng = new Rng(seed);
  const size = dims.reduce((a, b) => a * b, 1);
  return Array.from({ length: count }, (_, index) => ({
    index,
    label: index % 3,
    tensor: f32(
      [1, ...dims],
      Array.from({ length: size }, () => rng.next()),
    ),
  }));
}

test('Fig. 2 data: four decodable panels per drawn image; LSB weight flips keep the maps', async () => {
  const fig = await camFigure(tinyCnn('fc', 1), tinyCnn('proj', 1), images(2, [1, 8, 8], 4), {
    flips: 6,
    seed: 3,
    bits: [0],
  });
  assert.deepEqual(fig.layers, { baseline: 'conv2', textGuided: 'conv2' });
  assert.deepEqual(fig.layerRule, { baseline: 'conv', textGuided: 'conv' });
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
  const st = fig.similarity.stats;
  assert.ok(st !== null, 'at least one image has two non-flat maps, so the similarity check ran');
  for (const m of [st.baseline, st.textGuided]) assert.ok(m.mean > 0.999, `similarity ${m.mean}`);
  assert.deepEqual(fig.flipScreen, {
    ...fig.flipScreen,
    bound: 65536,
    drawn: 6,
    kept: 6,
    droppedByRange: 0,
    droppedByOutput: 0,
  });
  // The within-range repeat runs beside it (bound 1), with its own counts.
  assert.deepEqual(fig.withinRange!.flipScreen, { ...fig.withinRange!.flipScreen, bound: 1, drawn: 6 });
});

test('no flips: every similarity is exactly 1, its interval is [1, 1] and the difference exactly 0', async () => {
  const fig = await camFigure(tinyCnn('fc', 2), tinyCnn('proj', 2), images(5, [1, 8, 8], 5), {
    flips: 0,
    show: 1,
    bound: 1,
  });
  assert.equal(fig.withinRange, null, 'bound 1 is already within range: no repeat');
  assert.equal(fig.images.length, 1);
  assert.deepEqual(fig.similarity.images, [0, 1, 2, 3, 4]);
  const defined = fig.similarity.baseline.filter((s) => s !== null);
  assert.ok(defined.length > 0);
  assert.deepEqual(defined, new Array(defined.length).fill(1));
  assert.deepEqual(
    fig.similarity.textGuided.filter((s) => s !== null),
    new Array(fig.similarity.textGuided.filter((s) => s !== null).length).fill(1),
  );
  const st = fig.similarity.stats!;
  assert.deepEqual([st.baseline.mean, st.baseline.lower, st.baseline.upper], [1, 1, 1]);
  assert.deepEqual([st.difference.mean, st.difference.lower, st.difference.upper], [0, 0, 0]);
  assert.deepEqual(
    [fig.flipScreen.drawn, fig.flipScreen.kept, fig.flipScreen.droppedByRange, fig.flipScreen.droppedByOutput],
    [0, 0, 0, 0],
  );
});

test('ResNet-20 pair, 2000 flips in all 32 bits: maps at layer3.2 output, every after-map finite, counts add up', async () => {
  const spec = { backbone: 'resnet20', inputShape: [1, 8, 8] as [number, number, number], numClasses: 3, seed: 1 };
  const base = buildModel({ ...spec, head: 'linear' });
  const tg = buildModel({ ...spec, head: 'text-guided', embedDim: 8 });
  const fig = await camFigure(base, tg, images(8, [1, 8, 8], 6), { flips: 2000, seed: 0, show: 2 });
  assert.deepEqual(fig.layers, { baseline: 'layer3.2.relu_1', textGuided: 'layer3.2.relu_1' });
  assert.deepEqual(fig.layerRule, { baseline: 'block', textGuided: 'block' });
  const fs = fig.flipScreen;
  assert.equal(fs.drawn, 2000);
  assert.equal(fs.kept + fs.droppedByRange + fs.droppedByOutput, 2000);
  // About 1/32 of the draws hit bit 30 of a weight below 2 (→ ~1e38): those at least go.
  assert.ok(fs.droppedByRange >= 40 && fs.kept >= 1800, JSON.stringify(fs));
  // Holding flips within each tensor's range keeps a subset: the same draws or fewer.
  const wr = fig.withinRange!.flipScreen;
  assert.equal(wr.bound, 1);
  assert.ok(wr.kept <= fs.kept && wr.kept + wr.droppedByRange + wr.droppedByOutput === 2000, JSON.stringify(wr));
  assert.equal(fig.images.length, 2);
  assert.equal(fig.similarity.images.length, 8);
  assert.ok(fig.images.every((i) => i.panels.every((p) => !p.nonFinite && Number.isFinite(p.score))));
  const st = fig.similarity.stats!;
  for (const m of [st.baseline, st.textGuided, st.difference]) assert.ok(m.lower <= m.mean && m.mean <= m.upper);
});
