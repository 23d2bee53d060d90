import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { analyse } from '../../src/analysis/analyse.js';
import { renderReport, reportIds, reportTables, suffix } from '../../src/report/page.js';
import { handPair, tempDir } from '../analysis/fixtures.js';

test('suffix: none for the first comparison, -i after', () => {
  assert.deepEqual([0, 1, 2].map(suffix), ['', '-1', '-2']);
});

test('two comparisons: verdicts first, one summary, then each section in order; the page holds every id once', async (t) => {
  const root = tempDir('report-page');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const a = await analyse({ ...handPair(root), cam: { count: 0 }, bootstrap: { resamples: 100 } });
  const tables = reportTables([a, a]);
  assert.deepEqual(
    tables.slice(0, 5).map((x) => [x.table.id, x.index]),
    [
      ['tbl-verdict', 0],
      ['tbl-verdict-1', 1],
      ['tbl-summary', null],
      ['tbl-settings', 0],
      ['tbl-models', 0],
    ],
  );
  const perComparison = (tables.length - 3) / 2;
  assert.equal(tables[3 + perComparison]!.table.id, 'tbl-settings-1');
  const ids = reportIds([a, a]);
  assert.equal(ids.figures.length, 18);
  assert.ok(ids.figures.includes('fig-cam-1'));
  // The bit × layer tables are CSV only (the heat maps show them).
  assert.deepEqual(
    tables.map((x) => x.table.id).filter((id) => !ids.tables.includes(id)),
    ['tbl-bits', 'tbl-bits-1'],
  );
  const html = renderReport([a, a]);
  for (const id of [...ids.tables, ...ids.figures]) assert.equal(html.split(`id="${id}"`).length - 1, 1, id);
});
