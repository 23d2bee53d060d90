import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { analyse } from '../../src/analysis/analyse.js';
import { settingsTable } from '../../src/report/tables.js';
import { handPair, tempDir } from '../analysis/fixtures.js';

test('Settings: each golden run’s image fit and label mapping, one row when both models share it (issue 18)', async (t) => {
  const root = tempDir('report-golden-inputs');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const a = await analyse({ ...handPair(root), cam: { count: 0 }, bootstrap: { resamples: 100 } });
  const rows = () => settingsTable(a, '').rows.filter((r) => /^(Image fit|Label mapping)/.test(String(r[0])));
  assert.deepEqual(rows(), [
    ['Image fit (both models)', "none: the dataset's images as they are"],
    ['Label mapping (both models)', 'none: dataset label k is model class k'],
  ]);
  a.settings.goldenInputs!.baseline = { fit: 'fit A', labels: 'map A' };
  a.settings.goldenInputs!.textGuided = { fit: 'fit A', labels: null };
  assert.deepEqual(rows(), [
    ['Image fit (both models)', 'fit A'],
    ['Label mapping baseline', 'map A'],
    ['Label mapping text-guided', 'none: dataset label k is model class k'],
  ]);
  delete a.settings.goldenInputs; // an analysis.json from before issue 18
  assert.deepEqual(rows(), []);
});
