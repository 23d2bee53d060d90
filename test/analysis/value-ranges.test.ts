import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineRanges, valueRanges } from '../../src/analysis/value-ranges.js';
import type { LayerProfile } from '../../src/faults/store/records.js';

const layer = (name: string, neurons: number, maxAbs: number, meanAbs: number): LayerProfile => ({
  name,
  tensor: name,
  opType: 'Conv',
  shape: [neurons],
  neurons,
  maxAbs,
  meanAbs,
});

const baseline = {
  layers: [layer('conv1', 100, 5, 1), layer('conv2', 50, 8, 2), layer('fc', 10, 30, 9)],
  lastLayers: ['fc'],
};
const textGuided = {
  layers: [
    layer('conv1', 100, 4, 1),
    layer('conv2', 50, 7, 2),
    layer('head.latent', 30, 6, 1),
    layer('head.projection', 10, 2, 0.5),
  ],
  lastLayers: ['head.latent', 'head.projection'],
};

test('layers align by name; head layers each model alone has keep their order', () => {
  const r = valueRanges(baseline, textGuided);
  assert.deepEqual(
    r.rows.map((x) => [x.layer, x.baseline?.maxAbs ?? null, x.textGuided?.maxAbs ?? null, x.last]),
    [
      ['conv1', 5, 4, false],
      ['conv2', 8, 7, false],
      ['fc', 30, null, true],
      ['head.latent', null, 6, true],
      ['head.projection', null, 2, true],
    ],
  );
});

test('last layer: max of maxima, neuron-weighted mean of means (hand-computed)', () => {
  const r = valueRanges(baseline, textGuided);
  assert.deepEqual(r.lastLayer.baseline, { maxAbs: 30, meanAbs: 9 });
  // (30·1 + 10·0.5) / 40 = 0.875
  assert.deepEqual(r.lastLayer.textGuided, { maxAbs: 6, meanAbs: 0.875 });
  assert.equal(combineRanges([]), null);
});
