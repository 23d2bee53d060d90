import { test } from 'node:test';
import assert from 'node:assert/strict';
import { esc, safeId } from '../../src/report/escape.js';

test('esc: the five HTML-special characters, in attribute and content alike; null and undefined are empty', () => {
  assert.equal(esc(`<a href="x">Tom & Jerry's</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
  assert.equal(esc('&amp;'), '&amp;amp;');
  assert.equal(esc(null), '');
  assert.equal(esc(undefined), '');
  assert.equal(esc(0.5), '0.5');
});

test('safeId: anything but letters, digits, - and _ becomes _', () => {
  assert.equal(safeId('layer1.0/conv 2#x'), 'layer1_0_conv_2_x');
  assert.equal(safeId('fp32-rd_ok'), 'fp32-rd_ok');
});
