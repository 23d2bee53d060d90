import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { groupRuns } from '../../src/analysis/group-runs.js';
import { handPair, tempDir, writeRun } from './fixtures.js';

const one = {
  labels: [0],
  preds: [0],
  top2diff: [5],
  lastLayers: ['fc'],
  layers: [{ name: 'fc', neurons: 3, maxAbs: 1, meanAbs: 1, deltas: [1] }],
};

test('runs group by backbone × dataset; initialisations become Table 3 rows, descriptions the main run', (t) => {
  const root = tempDir('group');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const b = writeRun(join(root, 'b'), { ...one, head: 'linear' });
  const d = writeRun(join(root, 'd'), { ...one, head: 'text-guided', meta: { encoder: 'clip', descriptions: 'llm' } });
  const r = writeRun(join(root, 'r'), { ...one, head: 'text-guided', meta: { encoder: 'random' } });
  const p = writeRun(join(root, 'p'), {
    ...one,
    head: 'text-guided',
    meta: { encoder: 'clip', descriptions: 'template' },
  });
  const other = handPair(join(root, 'other')); // one baseline, one text-guided run: no Table 3
  assert.deepEqual(groupRuns([r, b, p, d]), [
    {
      dataset: 'synthetic',
      backbone: 'tiny',
      baseline: b,
      textGuided: d,
      ablations: { random: r, template: p, descriptions: d },
    },
  ]);
  assert.deepEqual(
    groupRuns([other.baseline, other.textGuided]).map((g) => g.ablations),
    [{}],
  );
});

test('a group without exactly one baseline, or with two runs of one initialisation, is refused with the reason', (t) => {
  const root = tempDir('group-bad');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const d = writeRun(join(root, 'd'), { ...one, head: 'text-guided' });
  const d2 = writeRun(join(root, 'd2'), { ...one, head: 'text-guided' });
  const b = writeRun(join(root, 'b'), { ...one, head: 'linear' });
  assert.throws(
    () => groupRuns([d]),
    /tiny on synthetic: found 0 baseline \(linear-head\) run\(s\) and 1 text-guided run\(s\)/,
  );
  assert.throws(() => groupRuns([b, d, d2]), /are both 'descriptions'-initialised text-guided runs; pass one of them/);
});
