import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart } from '../../src/report/svg/bar-chart.js';
import { heatMap, viridis } from '../../src/report/svg/heat-map.js';
import { lineChart } from '../../src/report/svg/line-chart.js';
import { linearScale, logScale, niceStep, tickLabel } from '../../src/report/svg/scale.js';

test('scales: nice ticks, whole decades, clean labels', () => {
  assert.equal(niceStep(0, 1, 5), 0.2);
  assert.deepEqual(linearScale(0, 0.93, 100, 0).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  const y = linearScale(0, 1, 100, 0);
  assert.equal(y(0.5), 50);
  // 0.15 sits near the bottom of its decade: the axis starts a decade lower so its bar shows.
  assert.deepEqual(logScale(0.15, 35, 100, 0).ticks, [0.01, 0.1, 1, 10, 100]);
  assert.deepEqual(logScale(0.5, 35, 100, 0).ticks, [0.1, 1, 10, 100]);
  // 40 decades (ΔLoss after exponent flips) get every 5th decade labelled, not 41 overprinted labels.
  assert.deepEqual(
    logScale(2e-3, 5e36, 100, 0).ticks,
    [1e-3, 1e2, 1e7, 1e12, 1e17, 1e22, 1e27, 1e32, 1e37].map((v) => Number(v.toPrecision(1))),
  );
  assert.equal(tickLabel(0.30000000000000004), '0.3');
  assert.equal(tickLabel(1e-5), '1e-5');
});

test('bar chart: one bar per finite value, text escaped, negative CI clipped at 0', () => {
  const svg = barChart({
    title: 'T <x>',
    categories: ['a<b', 'c'],
    yLabel: 'y',
    series: [
      { name: 's&1', color: '#000', values: [1, null], errors: [5, null] },
      { name: 's2', color: '#111', values: [2, 3] },
    ],
  });
  assert.equal(svg.match(/<rect [^>]*fill="#(000|111)"><title>/g)?.length, 3);
  assert.ok(svg.includes('<title>T &lt;x&gt;</title>'));
  assert.ok(svg.includes('a&lt;b') && svg.includes('s&amp;1'));
  assert.ok(!svg.includes('-2'), 'no tick below 0 for non-negative data');
});

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
