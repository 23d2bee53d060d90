import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatMap, viridis } from '../../../src/report/svg/heat-map.js';

test('heat map: a cell per value, grey for missing, viridis ends', () => {
  const svg = heatMap({
    id: 'h',
    title: 't',
    rows: ['r0', 'r1'],
    cols: ['0', '1', '2'],
    values: [
      [1, 2, null],
      [4, NaN, 8],
    ],
    label: 'v',
    rowLabel: 'row',
    colLabel: 'col',
    log: {},
  });
  assert.equal(svg.match(/<rect [^>]*><title>/g)?.length, 6);
  assert.equal(svg.match(/fill="#d9d9d9"/g)?.length, 2);
  assert.equal(viridis(0), '#440154');
  assert.equal(viridis(1), '#fde725');
  assert.ok(svg.includes('url(#grad-h)'));
});
