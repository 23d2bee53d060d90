import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeClassifier,
  leftOutNote,
  planLayerRows,
  planTable,
  summaryTable,
} from '../../src/cli/summary-table.js';
import type { Classifier } from '../../src/faults/model/classifier.js';
import type { CampaignPlan } from '../../src/faults/plan/plan.js';
import { readRunFile } from '../../src/run-folder/run-file.js';
import { handPair, tempDir } from '../analysis/fixtures.js';

const classifier = {
  file: 'runs/m/model.onnx',
  sha256: '0123456789abcdef0123',
  head: 'linear',
  backbone: 'resnet20',
  input: { name: 'input', shape: [3, 32, 32] },
  output: { name: 'logits', classes: 10 },
  layers: [
    { name: 'conv1', opType: 'Conv', shape: [16, 32, 32], neurons: 16384, weightElements: 432 },
    { name: 'fc', opType: 'Gemm', shape: [10], neurons: 10, weightElements: 640 },
  ],
  lastLayers: ['fc'],
  leftOut: [],
} as unknown as Classifier;

test('describeClassifier: file, input, output, then one aligned row per injectable layer, * marking the last', () => {
  assert.equal(
    describeClassifier(classifier),
    [
      'runs/m/model.onnx (sha256 0123456789abcdef…, head linear, backbone resnet20)',
      "input   'input' [N,3,32,32]",
      "output  'logits' [N,10]: 10 classes",
      '2 injectable layers (* = last layer):',
      '  layer    op     shape  neurons  weights',
      '  conv1  Conv  16×32×32    16384      432',
      '  fc *   Gemm        10       10      640',
    ].join('\n'),
  );
});

test('describeClassifier adds a layout column when a layer keeps its batch elsewhere, and the left-out note', () => {
  const c = {
    ...classifier,
    backbone: undefined,
    layers: [
      { ...classifier.layers[0]!, weightElements: 0 },
      { ...classifier.layers[1]!, native: { shape: [1, 'N', 10] } },
    ],
    leftOut: [{ name: 'attn', opType: 'MatMul', reason: 'both inputs are activations' }],
  } as unknown as Classifier;
  const lines = describeClassifier(c).split('\n');
  assert.equal(lines[0], 'runs/m/model.onnx (sha256 0123456789abcdef…, head linear)');
  assert.deepEqual(lines.slice(4), [
    '  layer    op     shape  neurons  weights       layout',
    '  conv1  Conv  16×32×32    16384        —  batch-major',
    '  fc *   Gemm        10       10      640     [1,N,10]',
    '1 Conv/Gemm/MatMul layers left out (no fault lands in them):',
    '  attn (MatMul): both inputs are activations',
  ]);
  assert.deepEqual(leftOutNote(), []);
});

const plan = {
  layers: [
    { name: 'conv1', elements: 1000 },
    { name: 'fc', elements: 1 },
  ],
  perLayer: 100,
  sites: { layer: new Array(116).fill(0) },
  target: 'neurons',
  format: 'int8',
  errorModel: 'bit-flip',
  seed: 3,
  rangeDetector: true,
  guard: 'none',
  pool: 2,
  dataset: { name: 'cifar10', split: 'test' },
  units: [{}, {}, {}],
} as unknown as CampaignPlan;

test('planLayerRows: population = elements × bits × pool images, n per layer, the worst-case margin of independent draws', () => {
  const rows = planLayerRows(plan, 0.05);
  // conv1: 1000 × 8 × 2 = 16,000 sites; fc: 1 × 8 × 2 = 16, fewer than the 100 draws (with replacement).
  assert.deepEqual(
    rows.map((r) => [r.layer, r.elements, r.population, r.n]),
    [
      ['conv1', 1000, 16000, 100],
      ['fc', 1, 16, 100],
    ],
  );
  // Draws are independent, so no finite-population correction: z·√(¼/n) for both layers.
  const z = 2.5758293035489004;
  const want = z * Math.sqrt(0.25 / 100);
  for (const r of rows) assert.ok(Math.abs(r.margin - want) < 1e-12, `${r.margin} vs ${want}`);
  // n for ±5%: ⌈z²/4/0.05²⌉ = ⌈663.5⌉.
  assert.deepEqual(
    rows.map((r) => r.nForMargin),
    [664, 664],
  );
  assert.equal(planLayerRows(plan)[0]!.nForMargin, null);
});

test('planTable: the settings line, the pool line, the table and the worst-case note', () => {
  const lines = planTable(plan, 0.05).split('\n');
  assert.equal(lines[0], 'plan: 2 layers × 100 = 116 injections, neurons, int8, bit-flip, seed 3, range detector on');
  assert.equal(lines[1], 'pool: 2 correctly classified images with Top2Diff > 0 (cifar10/test); 3 units');
  assert.equal(lines[2], '  layer  elements  population N    n  ±margin (99%)  n for ±5.00%');
  // 2.5758·√(¼/100) = 12.879% for both layers (independent draws); ⌈663.49⌉ = 664.
  assert.equal(lines[3], '  conv1      1000      1.600e+4  100        12.879%           664');
  assert.equal(lines[4], '  fc            1      1.600e+1  100        12.879%           664');
  assert.equal(lines[5], 'margins are worst-case (p = 0.5); the CIs in summary.json are at the observed rates');
  const guarded = {
    ...plan,
    guard: 'analytic',
    guardDeltaLossBound: 0.123456,
    strata: { allocation: 'neyman', pilot: 64, weights: new Array(8).fill(1 / 8) },
  };
  assert.equal(
    planTable(guarded as unknown as CampaignPlan).split('\n')[0],
    'plan: 2 layers × 100 = 116 injections, neurons, int8, bit-flip, seed 3, range detector on, guard analytic (undetected ΔLoss ≤ 0.1235, proven), stratified by bit (8 strata of weight 1/8, sites split Neyman from a 64-site pilot per layer)',
  );
});

test('summaryTable: per layer n, mismatch and ΔLoss with 99% CIs, DUEs, critical rates; then last layer and overall', (t) => {
  const root = tempDir('summary-table');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const summary = readRunFile('summary', join(handPair(root).baseline, 'campaign', 'fp32', 'summary.json'));
  const lines = summaryTable(summary).split('\n');
  assert.equal(lines[0], 'linear: neurons, fp32, bit-flip, range detector off, 2 per layer');
  // conv1 {.2, .4}, one mismatch; fc {1, 3}, both: z = 2.576 (the paper's), σ/√n = 0.1 and 1; critical rates with
  // exact (Clopper–Pearson) 99% intervals, 2/2 → [0.005^(1/2), 1], 1/2 → [1 − √0.995, √0.995].
  assert.deepEqual(lines.slice(1), [
    '  layer            n  mismatch (99% CI)  ΔLoss (99% CI)  DUE  ΔLoss>0.1 (exact 99%)  ΔLoss>1 (exact 99%)  ΔLoss>10 (exact 99%)',
    '  conv1            2     50.00% ±91.08%    0.3000 ±0.26    0   100.0% [7.1%–100.0%]    0.0% [0.0%–92.9%]     0.0% [0.0%–92.9%]',
    '  fc               2     100.00% ±0.00%      2.000 ±2.6    0   100.0% [7.1%–100.0%]   50.0% [0.3%–99.7%]     0.0% [0.0%–92.9%]',
    '  last layer (fc)  2     100.00% ±0.00%      2.000 ±2.6    0   100.0% [7.1%–100.0%]   50.0% [0.3%–99.7%]     0.0% [0.0%–92.9%]',
    '  overall          4     75.00% ±45.54%      1.150 ±1.3    0  100.0% [26.6%–100.0%]   25.0% [0.2%–86.3%]     0.0% [0.0%–73.4%]',
  ]);
});
