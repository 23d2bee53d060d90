import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { analyse } from '../../src/analysis/analyse.js';
import { layerUnion, layersTable, modelsTable, reliabilityTable, summaryTable } from '../../src/report/tables.js';
import { handPair, tempDir } from '../analysis/fixtures.js';

test('layerUnion: the baseline order, then the layers only the text-guided model has, each once', () => {
  assert.deepEqual(layerUnion(['conv1', 'fc'], ['conv1', 'head.latent', 'head.projection']), [
    'conv1',
    'fc',
    'head.latent',
    'head.projection',
  ]);
  assert.deepEqual(layerUnion([], ['a', 'b']), ['a', 'b']);
});

test("tables of the hand pair (compare.test.ts's numbers): models, per-layer, reliability, summary", async (t) => {
  const root = tempDir('report-tables');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const a = await analyse({ ...handPair(root), cam: { count: 0 }, bootstrap: { resamples: 100 } });

  const models = modelsTable(a, '-2');
  assert.equal(models.id, 'tbl-models-2');
  // Baseline predicts [0, 1, 2, 1] for labels [0, 1, 2, 0]; the text-guided model gets all four.
  assert.deepEqual(
    models.rows.map((r) => [r[0], r[2], r[3]]),
    [
      ['baseline', 'linear', 0.75],
      ['text-guided', 'text-guided', 1],
    ],
  );

  const layers = layersTable(a, '');
  assert.equal(layers.caption, 'Per-layer ΔLoss and mismatch rate (fp32), ± 99% CI');
  // Layer, n and the ΔLoss / mismatch means of each side; a layer one model lacks is null on that side.
  // Rounded to 12 digits: the means come from running sums, whose last bit depends on the order of addition.
  const value = (c: unknown) => (c === null ? null : Number((c as { value: number }).value.toPrecision(12)));
  assert.deepEqual(
    layers.rows.map((r) => [r[0], r[1], value(r[2]), value(r[3]), r[4], value(r[5]), value(r[6])]),
    [
      ['conv1', 2, 0.3, 0.5, 2, 0.15, 0],
      ['fc', 2, 2, 1, null, null, null],
      ['head.latent', null, null, null, 2, 0.4, 0.5],
      ['head.projection', null, null, null, 2, 1, 0],
    ],
  );

  const rel = reliabilityTable(a, '');
  assert.deepEqual(
    rel.rows.map((r) => [r[0], r[1], value(r[2]), value(r[3])]),
    [
      // Text-guided last layer: latent and projection weighted by neurons, (4·0.4 + 3·1)/7; overall: its mean with
      // conv1's 0.15, (0.15 + 0.657142857143)/2.
      ['fp32', 'last layer', 2, Number(((4 * 0.4 + 3 * 1) / 7).toPrecision(12))],
      ['fp32', 'overall (mean over layer slots)', (0.3 + 2) / 2, 0.403571428571],
    ],
  );

  const summary = summaryTable([a, a]);
  assert.equal(summary.rows.length, 2);
  assert.deepEqual(summary.rows[0]!.slice(2, 4), [0.75, 1]);
  assert.equal(summary.columns.length, summary.rows[0]!.length);
});
