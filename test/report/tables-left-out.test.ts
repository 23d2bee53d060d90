import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { analyse } from '../../src/analysis/analyse.js';
import { settingsTable } from '../../src/report/tables.js';
import { handPair, tempDir } from '../analysis/fixtures.js';

test('Settings: a campaign whose model had layers no fault could land in says which and why (issue 20)', async (t) => {
  const root = tempDir('report-left-out');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const a = await analyse({ ...handPair(root), cam: { count: 0 }, bootstrap: { resamples: 100 } });
  const row = (label: RegExp) => settingsTable(a, '').rows.find((r) => label.test(String(r[0])))![1] as string;
  assert.doesNotMatch(row(/^Campaign baseline/), /left out/);
  a.settings.campaigns[0]!.leftOut = [
    { name: 'gram', opType: 'MatMul', reason: 'its shape [N,N] carries the batch on 2 axes' },
    { name: 'pos', opType: 'Gemm', reason: 'its output has no batch axis' },
  ];
  assert.match(
    row(/^Campaign baseline/),
    /, from summary\.json; layers left out: gram \(its shape \[N,N\] carries the batch on 2 axes\); pos \(its output has no batch axis\)$/,
  );
});
