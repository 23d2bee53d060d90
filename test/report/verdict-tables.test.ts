import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { analyse } from '../../src/analysis/analyse.js';
import { reportTables } from '../../src/report/page.js';
import { layerRatesTable, verdictTable } from '../../src/report/verdict-tables.js';
import { tableCsv } from '../../src/report/table.js';
import { clopperPearson } from '../../src/stats/clopper-pearson.js';
import { handPair, tempDir } from '../analysis/fixtures.js';

test('the verdict is the first table: every metric, last layer and overall, with ratio, side and method', async (t) => {
  const root = tempDir('report-verdict');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  const a = await analyse({ ...pair, cam: { count: 0 }, bootstrap: { resamples: 100 } });
  assert.equal(reportTables([a])[0]!.table.id, 'tbl-verdict');
  const v = verdictTable(a, '');
  assert.equal(v.rows.length, 12); // one campaign × 2 scopes × (SDC, DUE, 3 critical, mean ΔLoss)
  // Last layer, SDC: baseline fc 2 of 2, text-guided (4·½ + 3·0)/7 (Korn–Graubard over latent and projection).
  const [campaign, scope, metric, base, , ratio, side, method] = v.rows[0]!;
  assert.deepEqual([campaign, scope, metric], ['fp32', 'last layer', 'SDC rate (mismatch)']);
  assert.deepEqual(base, { value: 1, ...clopperPearson(2, 2, 0.99) });
  assert.equal((ratio as { ratio: number }).ratio, 1 / (2 / 7));
  assert.equal(side, 'straddles 1');
  assert.equal(
    method,
    'log-ratio delta, stratified; each model: Clopper–Pearson exact / Korn–Graubard exact (stratified)',
  );
  // The paper's mean ΔLoss is in the table and says when Fieller's interval is unbounded.
  const mean = v.rows.find((r) => r[1] === 'overall' && r[2] === "mean ΔLoss (the paper's)")!;
  assert.match(mean[7] as string, /^Fieller; each model: normal, stratified$/);
  assert.match(tableCsv(v).split('\r\n')[0]!, /^Campaign,Scope,Metric,Baseline,Baseline lower,Baseline upper,/);
  // Per-layer rates: baseline conv1 has 1 SDC of 2 and no DUE.
  const rates = layerRatesTable(a, '');
  assert.deepEqual(rates.rows[0]!.slice(0, 5), [
    'conv1',
    'baseline',
    2,
    { value: 0.5, ...clopperPearson(1, 2, 0.99) },
    { value: 0, ...clopperPearson(0, 2, 0.99) },
  ]);
  assert.deepEqual(
    rates.columns.slice(5).map((c) => c.header),
    ['ΔLoss > 0.1', 'ΔLoss > 1', 'ΔLoss > 10'],
  );
});
