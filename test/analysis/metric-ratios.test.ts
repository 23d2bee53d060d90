import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { metricRatios } from '../../src/analysis/metric-ratios.js';
import { campaignReliability } from '../../src/analysis/reliability.js';
import { readRun } from '../../src/analysis/run-dir.js';
import { handPair, tempDir, writeRun, type FixtureRun } from './fixtures.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

/** Both models' reliability of their one campaign, at the given τ. */
function reliabilities(pair: { baseline: string; textGuided: string }, tau: number[]) {
  const [b, g] = [readRun(pair.baseline), readRun(pair.textGuided)];
  return [campaignReliability(b, b.campaigns[0]!, { tau }), campaignReliability(g, g.campaigns[0]!, { tau })] as const;
}

test('one row per metric and scope, critical rows per τ in order, each with both estimates of its scope', (t) => {
  const root = tempDir('metric-ratios');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const [b, g] = reliabilities(handPair(root), [0.5, 2]);
  const rows = metricRatios(b, g);
  assert.deepEqual(
    rows.map((r) => [r.scope, r.metric, r.tau, r.label]),
    (['lastLayer', 'overall'] as const).flatMap((s) => [
      [s, 'sdc', undefined, 'SDC rate (mismatch)'],
      [s, 'due', undefined, 'DUE rate (non-finite or detected)'],
      [s, 'critical', 0.5, 'critical (ΔLoss > 0.5)'],
      [s, 'critical', 2, 'critical (ΔLoss > 2)'],
      [s, 'deltaLoss', undefined, "mean ΔLoss (the paper's)"],
    ]),
  );
  assert.ok(!('tau' in rows[0]!), 'a metric without a threshold has no tau key');
  const row = (scope: string, metric: string, tau?: number) =>
    rows.find((r) => r.scope === scope && r.metric === metric && r.tau === tau)!;
  assert.equal(row('lastLayer', 'sdc').baseline, b.lastLayer.sdc);
  assert.equal(row('overall', 'critical', 2).textGuided, g.overall.critical[1]);
  assert.equal(row('overall', 'deltaLoss').baseline, b.overall.meanDeltaLoss);
  // SDC in the last layer: baseline fc 2/2, text-guided (4·½ + 3·0)/7.
  close(row('lastLayer', 'sdc').ratio.ratio, 1 / (2 / 7), 'last-layer SDC ratio');
  // Mean ΔLoss: baseline fc 2, text-guided (4·0.4 + 3·1)/7.
  close(row('lastLayer', 'deltaLoss').ratio.ratio, 2 / (4.6 / 7), 'last-layer ΔLoss ratio');
  // Critical (ΔLoss > 0.5) in the last layer: baseline {1, 3} → 1; text-guided latent {.2, .6} → ½, projection
  // {.5, 1.5} → ½ (0.5 is not above 0.5), neuron-weighted ½.
  close(row('lastLayer', 'critical', 0.5).ratio.ratio, 2, 'last-layer critical(0.5) ratio');
  for (const r of rows) assert.equal(r.side, 'straddles 1', `${r.scope} ${r.label}: two injections bound nothing`);
});

test('a clear difference lies above 1: every SDC of the baseline against none of the text-guided model', (t) => {
  const root = tempDir('metric-ratios-side');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const n = 60;
  const run = (head: string, mismatch: boolean): FixtureRun => ({
    head,
    labels: [0],
    preds: [0],
    top2diff: [5],
    lastLayers: ['fc'],
    layers: [
      {
        name: 'fc',
        neurons: 3,
        maxAbs: 1,
        meanAbs: 1,
        deltas: new Array(n).fill(1),
        mismatches: new Array(n).fill(mismatch),
      },
    ],
  });
  const pair = {
    baseline: writeRun(join(root, 'b'), run('linear', true)),
    textGuided: writeRun(join(root, 'g'), run('text-guided', false)),
  };
  const rows = metricRatios(...reliabilities(pair, [0.5]));
  const sdc = rows.find((r) => r.scope === 'lastLayer' && r.metric === 'sdc')!;
  assert.equal(sdc.ratio.ratio, Infinity);
  assert.ok(sdc.ratio.lower > 1, `lower bound ${sdc.ratio.lower}`);
  assert.equal(sdc.side, 'above 1');
  // Identical ΔLoss and critical counts on both sides: their ratios are 1 and straddle it.
  const crit = rows.find((r) => r.scope === 'lastLayer' && r.metric === 'critical')!;
  assert.equal(crit.ratio.ratio, 1);
  assert.equal(crit.side, 'straddles 1');
});
