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
  bound: 65536,
  layers: { baseline: 'layer3.2.relu_1', textGuided: 'layer3.2.relu_1' },
  layerRule: { baseline: 'block', textGuided: 'block' },
  flipScreen: { bound: 65536, drawn: 2000, kept: 1949, droppedByRange: 51, droppedByOutput: 0, rule: flipRule(65536) },
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
  withinRange: {
    flipScreen: { bound: 1, drawn: 2000, kept: 1869, droppedByRange: 131, droppedByOutput: 0, rule: flipRule(1) },
    stats: {
      baseline: { mean: 0.9991, lower: 0.9989, upper: 0.9993, n: 50 },
      textGuided: { mean: 0.9984, lower: 0.998, upper: 0.9987, n: 50 },
      difference: { mean: -0.0007, lower: -0.0011, upper: -0.0004, n: 50 },
    },
  },
};

test('the CAM figure shows each similarity and the paired difference with intervals, and says what they are', () => {
  const html = camFigureHtml({ cam: fig } as unknown as Analysis, '');
  assert.ok(
    html.includes('<th colspan="2">1949 of 2000 flips kept (within 65536 × each tensor&#39;s largest |w|)</th>'),
    html,
  );
  assert.ok(html.includes('<td>baseline</td><td>0.8123 [0.7701, 0.8500]</td>'));
  assert.ok(html.includes('<td>text-guided</td><td>0.9000 [0.8800, 0.9312]</td>'));
  assert.ok(html.includes('<td>text-guided − baseline</td><td>+0.0877 [+0.0400, +0.1312]</td>'));
  assert.ok(html.includes('similarity, mean [99% CI]'));
  assert.ok(html.includes('the same 1949 of 2000 random weight bit flips drawn (bits 0–31, seed 0)'));
  assert.ok(html.includes('51 dropped by the bound check, 0 by the output check'));
  assert.ok(html.includes('no larger in magnitude than 65536 × the largest |w| of its tensor'));
  // The within-range block follows, with its own counts and numbers.
  assert.ok(html.includes('<th colspan="2">1869 of 2000 flips kept (within each tensor&#39;s range)</th>'));
  assert.ok(html.includes('<td>text-guided − baseline</td><td>-0.0007 [-0.0011, -0.0004]</td>'));
  assert.ok(html.includes('layer3.2.relu_1 / layer3.2.relu_1 (block output: the last residual add'));
  assert.ok(html.includes('averaged over 50 images both models classify correctly'));
  assert.ok(html.includes('2 left out for a flat map'));
});

test('an analysis.json from before the similarity table still renders its pictures', () => {
  const { flipScreen: _f, layerRule: _l, similarity: _s, withinRange: _w, ...old } = fig;
  const html = camFigureHtml({ cam: old } as unknown as Analysis, '-2');
  assert.ok(html.includes('id="fig-cam-2"'));
  assert.ok(html.includes('before and after the same 2000 random weight bit flips (bits 0–31, seed 0).'));
  assert.ok(!html.includes('cam-similarity'));
});
