import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChart } from '../../../src/report/svg/line-chart.js';

test('line chart: a polyline per series and the marker label', () => {
  const svg = lineChart({
    title: 't',
    xLabel: 'x',
    yLabel: 'y',
    series: [
      {
        name: 'a',
        color: '#000',
        points: [
          [0, 1],
          [1, 2],
        ],
      },
    ],
    markers: [{ x: 0.5, label: 'δ = 0.5' }],
  });
  assert.equal(svg.match(/<polyline/g)?.length, 1);
  assert.ok(svg.includes('δ = 0.5'));
});
