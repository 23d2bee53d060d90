import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ablationTable, initialisations, initKinds } from '../../src/analysis/ablation.js';
import { compareRuns } from '../../src/analysis/compare.js';
import { readRun } from '../../src/analysis/run-dir.js';
import { handPair, tempDir, writeRun } from './fixtures.js';

test("Table 3's initialisations in row order", () => {
  assert.deepEqual(initKinds, ['random', 'template', 'descriptions']);
  assert.deepEqual(Object.keys(initialisations), initKinds);
});

test('each given initialisation is compared with the baseline as the main comparison is; absent ones are left out', (t) => {
  const root = tempDir('ablation');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  // A template-initialised run on the same images: less accurate (3 of 4), every fault costing ΔLoss 1.
  const template = writeRun(join(root, 'template'), {
    head: 'text-guided',
    labels: [0, 1, 2, 0],
    preds: [0, 1, 2, 2],
    top2diff: [10, 20, 30, 40],
    lastLayers: ['head.projection'],
    meta: { descriptions: 'template' },
    layers: [
      { name: 'conv1', neurons: 8, maxAbs: 3, meanAbs: 1, deltas: [1, 1] },
      { name: 'head.projection', neurons: 3, maxAbs: 5, meanAbs: 1, deltas: [1, 1] },
    ],
  });
  const baseline = readRun(pair.baseline);
  const table = ablationTable(baseline, { descriptions: pair.textGuided, template });
  assert.equal(table.baseline, 'base');
  assert.deepEqual(
    table.rows.map((r) => [r.init, r.label, r.run, r.accuracy, r.format]),
    [
      ['template', 'template ("a photo of a …")', 'template', 0.75, 'fp32'],
      ['descriptions', 'descriptions (wordnet)', 'tg', 1, 'fp32'],
    ],
  );
  const main = compareRuns(baseline, readRun(pair.textGuided)).row;
  assert.deepEqual(table.rows[1]!.lastLayer, main.lastLayer);
  assert.deepEqual(table.rows[1]!.overall, main.overall);
  // Template: baseline fc ΔLoss 2 against 1.
  assert.equal(table.rows[0]!.lastLayer!.ratio, 2);
});

test("a descriptions run without a named source is labelled 'descriptions'; random is 'random'", (t) => {
  const root = tempDir('ablation-labels');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const one = { name: 'fc', neurons: 3, maxAbs: 1, meanAbs: 1, deltas: [1] };
  const common = { labels: [0], preds: [0], top2diff: [5], lastLayers: ['fc'], layers: [one] };
  const baseline = readRun(writeRun(join(root, 'b'), { ...common, head: 'linear' }));
  const plain = writeRun(join(root, 'd'), { ...common, head: 'text-guided' });
  const random = writeRun(join(root, 'r'), { ...common, head: 'text-guided' });
  const table = ablationTable(baseline, { descriptions: plain, random });
  assert.deepEqual(
    table.rows.map((r) => [r.init, r.label]),
    [
      ['random', 'random'],
      ['descriptions', 'descriptions'],
    ],
  );
  assert.deepEqual(ablationTable(baseline, {}).rows, []);
});
