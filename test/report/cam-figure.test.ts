import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Analysis } from '../../src/analysis/analyse.js';
import type { CamFigure } from '../../src/analysis/cam/cam-figure.js';
import { flipRule } from '../../src/analysis/cam/flip-screen.js';
import { camFigureHtml } from '../../src/report/cam-figure.js';

const fig: CamFigure = {
  flips: 2000,
  seed: 0,
  bits: Array.from({ length: 32 }, (_, i) => i),
  measure: 50,
  layers: { baseline: 'layer3.2.relu_1', textGuided: 'layer3.2.relu_1' },
  layerRule: { baseline: 'block', textGuided: 'block' },
  flipScreen: { drawn: 2000, kept: 1886, droppedByRange: 114, droppedByOutput: 0, rule: flipRule },
  images: [],
  similarity: {
    measure: 'Pearson correlation of the map before and after the flips, both upsampled to the image',
    interval: 'paired percentile bootstrap over images, 10000 resamples, seed 0',
    confidence: 0.99,
    resamples: 10_000,
    images: Array.from({ length: 52 }, (_, i) => i),
    baseline: [],
    textGuided: [],
    stats: {
      baseline: { mean: 0.8123, lower: 0.7701, upper: 0.85, n: 50 },
      textGuided: { mean: 0.9, lower: 0.88, upper: 0.9312, n: 50 },
      difference: { mean: 0.0877, lower: 0.04, upper: 0.1312, n: 50 },
    },
  },
};

test('the CAM figure shows each similarity and the paired difference with intervals, and says what they are', () => {
  const html = camFigureHtml({ cam: fig } as unknown as Analysis, '');
  assert.ok(html.includes('<td>baseline</td><td>0.812 [0.770, 0.850]</td>'), html);
  assert.ok(html.includes('<td>text-guided</td><td>0.900 [0.880, 0.931]</td>'));
  assert.ok(html.includes('<td>text-guided − baseline</td><td>+0.088 [+0.040, +0.131]</td>'));
  assert.ok(html.includes('similarity, mean [99% CI]'));
  assert.ok(html.includes('the same 1886 of 2000 random weight bit flips drawn (bits 0–31, seed 0)'));
  assert.ok(html.includes('114 dropped by the range check, 0 by the output check'));
  assert.ok(html.includes('layer3.2.relu_1 / layer3.2.relu_1 (block output: the last residual add'));
  assert.ok(html.includes('averaged over 50 images both models classify correctly'));
  assert.ok(html.includes('2 left out for a flat map'));
});

test('an analysis.json from before the similarity table still renders its pictures', () => {
  const { flipScreen: _f, layerRule: _l, similarity: _s, ...old } = fig;
  const html = camFigureHtml({ cam: old } as unknown as Analysis, '-2');
  assert.ok(html.includes('id="fig-cam-2"'));
  assert.ok(html.includes('before and after the same 2000 random weight bit flips (bits 0–31, seed 0).'));
  assert.ok(!html.includes('cam-similarity'));
});
