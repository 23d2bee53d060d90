import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart } from '../../../src/report/svg/bar-chart.js';

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
