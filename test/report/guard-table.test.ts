import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Analysis } from '../../src/analysis/analyse.js';
import { guardTable } from '../../src/report/guard-table.js';
import { tableCsv, tableHtml } from '../../src/report/table.js';
import type { GuardSummary } from '../../src/faults/metrics/guard-summary.js';

const quantiles = [0.5, 0.9, 0.99, 0.999].map((p) => ({ p, value: p }));
const guarded = (kind: GuardSummary['kind'], provenDeltaLoss: number, max: number): GuardSummary => ({
  kind,
  bounds: [2, 3],
  provenDeltaLoss,
  injections: 100,
  detected: 4,
  deltaLoss: { n: 96, mean: 0.5, max, quantiles },
  layers: [],
});

test('guard table: proven bound beside detections and measured ΔLoss quantiles; a note when no campaign was guarded', () => {
  const t = guardTable(
    {
      guard: [
        { campaign: 'fp32-guard', model: 'baseline', guard: guarded('profiled', 40, 12) },
        { campaign: 'fp32-guard', model: 'textGuided', guard: guarded('analytic', 9.5, 9.75) },
      ],
    } as Analysis,
    '-1',
  );
  assert.equal(t.id, 'tbl-guard-1');
  assert.deepEqual(t.rows, [
    ['fp32-guard', 'baseline', 'profiled (golden max |logit|)', 40, 0.04, 96, 0.5, 0.5, 0.9, 0.99, 0.999, 12, 'yes'],
    [
      'fp32-guard',
      'text-guided',
      'analytic (exp(s)·‖P_c‖, from the weights)',
      9.5,
      0.04,
      96,
      0.5,
      0.5,
      0.9,
      0.99,
      0.999,
      9.75,
      'NO',
    ],
  ]);
  assert.match(
    tableHtml(t),
    /<td>text-guided<\/td><td>analytic \(exp\(s\)·‖P_c‖, from the weights\)<\/td><td class="n">9\.5<\/td><td class="n">4\.00%<\/td>/,
  );
  assert.equal(
    tableCsv(t).split('\r\n')[0],
    'Campaign,Model,Guard,Proven ΔLoss bound,Detected (DUE),Undetected n,Mean ΔLoss,p50 ΔLoss,p90 ΔLoss,p99 ΔLoss,p99.9 ΔLoss,Max ΔLoss,Max within bound',
  );
  const empty = guardTable({} as Analysis, '');
  assert.deepEqual(empty.rows, []);
  assert.match(empty.note!, /^No campaign ran with --guard/);
});
