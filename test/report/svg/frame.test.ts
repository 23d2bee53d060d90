import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryLabel, legend, px, svgOpen, yAxis, type Frame } from '../../../src/report/svg/frame.js';
import { linearScale } from '../../../src/report/svg/scale.js';

const f: Frame = { width: 200, height: 100, left: 40, top: 10, right: 10, bottom: 20 };

test('px: one decimal, no trailing zeros', () => {
  assert.deepEqual([px(12.34), px(12.35), px(-0.04), px(7)], ['12.3', '12.4', '0', '7']);
});

test('svgOpen: the size as viewBox and attributes, the title escaped', () => {
  assert.equal(
    svgOpen(f, 'ΔLoss <per layer>'),
    '<svg viewBox="0 0 200 100" width="200" height="100" role="img" font-family="system-ui, sans-serif" font-size="11"><title>ΔLoss &lt;per layer&gt;</title>',
  );
});

test('yAxis: a gridline and label per tick, the rotated axis label (log scale said), the baseline', () => {
  const y = linearScale(0, 1, 80, 10);
  const svg = yAxis(f, y, 'rate');
  assert.equal((svg.match(/stroke="#e3e3e3"/g) ?? []).length, y.ticks.length);
  assert.match(svg, /<text transform="translate\(12 45\) rotate\(-90\)" text-anchor="middle" fill="#222">rate<\/text>/);
  assert.ok(svg.endsWith('<line x1="40" x2="190" y1="80" y2="80" stroke="#888"/>'));
  const log = Object.assign(linearScale(0, 1, 80, 10), { log: true });
  assert.match(yAxis(f, log, 'ΔLoss'), />ΔLoss \(log scale\)<\/text>/);
});

test('legend: items right-aligned in their given order, names escaped', () => {
  assert.equal(
    legend(f, [
      { name: 'a', color: '#111' },
      { name: 'b&c', color: '#222' },
    ]),
    // From the right edge (190): 'b&c' is 16 + 3·6.2 wide, then 'a' 16 + 6.2, each with a 10 px gap.
    '<rect x="145.4" y="4" width="10" height="10" fill="#222"/><text x="159.4" y="13" fill="#222">b&amp;c</text>' +
      '<rect x="113.2" y="4" width="10" height="10" fill="#111"/><text x="127.2" y="13" fill="#222">a</text>',
  );
});

test('categoryLabel: under the axis, cut at 28 characters, rotated when asked', () => {
  assert.equal(
    categoryLabel(f, 50, 'conv1', false),
    '<text x="50" y="94" text-anchor="middle" fill="#444">conv1</text>',
  );
  const long = 'layer4.1.conv2.weight.some.long.name';
  assert.equal(
    categoryLabel(f, 50.26, long, true),
    `<text transform="translate(50.3 92) rotate(-55)" text-anchor="end" fill="#444" font-size="10">${long.slice(0, 27)}…</text>`,
  );
});
