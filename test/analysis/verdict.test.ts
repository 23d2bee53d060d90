import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRatio, verdict } from '../../src/analysis/verdict.js';
import type { MetricRatio } from '../../src/analysis/metric-ratios.js';
import { ratioSide, type RatioEstimate } from '../../src/stats/ratio.js';

const est = { value: 0.1, lower: 0.05, upper: 0.2, se: 0.02, method: 'clopper-pearson' };
const metric = (label: string, scope: 'lastLayer' | 'overall', lower: number, upper: number): MetricRatio => {
  const ratio: RatioEstimate = {
    ratio: 2,
    lower,
    upper,
    method: 'katz-log',
    bounds: Number.isFinite(lower) && Number.isFinite(upper) ? 'two-sided' : 'unbounded',
  };
  return { metric: 'sdc', label, scope, baseline: est, textGuided: est, ratio, side: ratioSide(ratio) };
};

test('verdict: yes when some intervals lie above 1 and none below, partly for both, no for none above', () => {
  const fieller = metric("mean ΔLoss (the paper's)", 'overall', -Infinity, Infinity);
  const yes = verdict([{ format: 'fp32', metrics: [metric('SDC rate', 'lastLayer', 1.5, 4), fieller] }]);
  assert.equal(yes.reproduced, 'yes');
  assert.equal(
    yes.sentence,
    "The paper's direction holds here: every metric whose interval excludes 1 favours the text-guided head. fp32, " +
      'baseline ÷ text-guided with 99% intervals (> 1 favours the text-guided head), 2 metric × scope pairs, all ' +
      "reported: above 1 — SDC rate, last layer 2.00× (99% CI 1.50–4.00×). Below 1 — none. Straddling 1 — mean ΔLoss (the paper's) (overall, unbounded).",
  );
  const mixed = [metric('SDC rate', 'lastLayer', 1.5, 4), metric('DUE rate', 'overall', 0.2, 0.5)];
  assert.equal(verdict([{ format: 'fp32', metrics: mixed }]).reproduced, 'partly');
  const none = verdict([{ format: 'fp16', metrics: [metric('SDC rate', 'overall', 0.5, 3), fieller] }]);
  assert.equal(none.reproduced, 'no');
  assert.match(none.sentence, /^No difference shown: no metric’s interval excludes 1\. fp16,/);
  const worse = verdict([{ format: 'fp32', metrics: [metric('SDC rate', 'overall', 0.2, 0.5)] }]);
  assert.match(worse.sentence, /^The paper's direction did not hold here: .* favour the baseline\./);
  assert.equal(verdict([]).reproduced, 'unknown');
});

test('ratios print unbounded sides as ∞, also when JSON turned them into null', () => {
  assert.equal(formatRatio({ ratio: 2, lower: -Infinity, upper: Infinity }), '2.00× (99% CI −∞–∞×)');
  assert.equal(formatRatio(JSON.parse('{"ratio":2,"lower":null,"upper":null}')), '2.00× (99% CI −∞–∞×)');
});
