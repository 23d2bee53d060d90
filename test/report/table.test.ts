import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmtSig, formatCell, tableCsv, tableHtml, type Table } from '../../src/report/table.js';

const t: Table = {
  id: 'tbl-x',
  caption: 'A <caption> & "quotes"',
  columns: [
    { header: 'name', kind: 'text' },
    { header: 'acc', kind: 'pct' },
    { header: 'imp', kind: 'ratio' },
    { header: 'dl', kind: 'estimate' },
  ],
  rows: [
    ['a,b "c"', 0.75, { ratio: 2, lower: 1.5, upper: Infinity }, { value: 0.5, ci: 0.1 }],
    ['<img src=x>', null, { ratio: 3, lower: null, upper: null }, null],
  ],
};

test('CSV: RFC 4180 quoting, raw numbers, ratio and estimate columns expanded, ±∞ spelled out', () => {
  assert.equal(
    tableCsv(t),
    [
      'name,acc,imp,imp lower,imp upper,dl,dl ci',
      '"a,b ""c""",0.75,2,1.5,inf,0.5,0.1',
      '<img src=x>,,3,-inf,inf,,',
      '',
    ].join('\r\n'),
  );
});

test('HTML: every string escaped, cells formatted by kind', () => {
  const html = tableHtml(t);
  assert.ok(html.startsWith('<table id="tbl-x"><caption>A &lt;caption&gt; &amp; &quot;quotes&quot;</caption>'));
  assert.ok(html.includes('<td>&lt;img src=x&gt;</td>'));
  assert.ok(!html.includes('<img'));
  assert.ok(html.includes('<td class="n">75.00%</td>'));
  assert.ok(html.includes('2.00× [1.50, ∞]'));
  assert.ok(html.includes('3.00× [−∞, ∞]'));
  assert.ok(html.includes('0.5 ± 0.1'));
});

test('cell formats: percentage points signed, p-values, NaN as n/a', () => {
  assert.equal(formatCell('pp', 3.35), '+3.35');
  assert.equal(formatCell('pp', -0.5), '-0.50');
  assert.equal(formatCell('p', 0.00001), '1.0e-5');
  assert.equal(formatCell('num', NaN), 'n/a');
  assert.equal(formatCell('int', 1234567), '1,234,567');
});

test('interval cells: value [lower, upper], ±∞ from JSON nulls; an infinite ratio from JSON reads as ∞', () => {
  const iv: Table = {
    id: 'tbl-iv',
    caption: 'intervals',
    columns: [{ header: 'rate', kind: 'interval' }],
    rows: [[{ value: 0.25, lower: 0.1, upper: 0.5 }], [{ value: 2, lower: null, upper: null }], [null]],
  };
  assert.equal(tableCsv(iv), ['rate,rate lower,rate upper', '0.25,0.1,0.5', '2,-inf,inf', ',,', ''].join('\r\n'));
  assert.equal(formatCell('interval', { value: 0.25, lower: 0.1, upper: 0.5 }), '0.25 [0.1, 0.5]');
  assert.equal(formatCell('interval', { value: 2, lower: null, upper: null }), '2 [−∞, ∞]');
  // A rate of 0 below: ratio ∞ with a positive lower bound (JSON nulls); 0 ÷ 0: lower 0, undefined.
  assert.equal(formatCell('ratio', { ratio: null, lower: 2.5, upper: null }), '∞× [2.50, ∞]');
  assert.equal(formatCell('ratio', { ratio: null, lower: 0, upper: null }), 'n/a');
});

test('fmtSig: 4 significant digits, exponent form below 1e-3 and from 1e6, zero plain', () => {
  assert.deepEqual([0, 0.12345, 1234.56, 999999.4, 1e6, 0.00099, -2.5e-7, 12].map(fmtSig), [
    '0',
    '0.1235',
    '1235',
    '1000000',
    '1.00e+6',
    '9.90e-4',
    '-2.50e-7',
    '12',
  ]);
});
