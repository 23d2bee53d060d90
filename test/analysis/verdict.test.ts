import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRatio, verdict } from '../../src/analysis/verdict.js';
import type { ComparisonRow } from '../../src/analysis/compare.js';

const row = (lastLower: number, overallLower: number): ComparisonRow => ({
  dataset: 'd',
  backbone: 'b',
  accBaseline: 0.9,
  accTextGuided: 0.9,
  paramsChange: 0,
  macsChange: 0,
  top2diffChange: 1,
  format: 'fp32',
  lastLayer: { ratio: 3, lower: lastLower, upper: 4, method: 'fieller' },
  overall: { ratio: 2, lower: overallLower, upper: 3, method: 'fieller' },
});

test('verdict: yes when both intervals lie above 1, partly for one, no for neither', () => {
  assert.equal(verdict(row(1.5, 1.2)).reproduced, 'yes');
  assert.match(
    verdict(row(1.5, 1.2)).sentence,
    /^The paper's direction reproduced here: the last layer's ΔLoss improvement is 3\.00× \(99% CI 1\.50–4\.00×\)/,
  );
  assert.equal(verdict(row(1.5, 0.9)).reproduced, 'partly');
  assert.match(verdict(row(1.5, 0.9)).sentence, /only the last-layer interval excludes 1/);
  assert.equal(verdict(row(0.5, -Infinity)).reproduced, 'no');
  assert.equal(verdict({ ...row(2, 2), lastLayer: null }).reproduced, 'unknown');
});

test('ratios print unbounded sides as ∞, also when JSON turned them into null', () => {
  assert.equal(formatRatio({ ratio: 2, lower: -Infinity, upper: Infinity, method: 'fieller' }), '2.00× (99% CI −∞–∞×)');
  assert.equal(
    formatRatio(JSON.parse('{"ratio":2,"lower":null,"upper":null,"method":"fieller"}')),
    '2.00× (99% CI −∞–∞×)',
  );
});
