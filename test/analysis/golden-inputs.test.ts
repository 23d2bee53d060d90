import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { goldenInputs } from '../../src/analysis/golden-inputs.js';
import { readRun } from '../../src/analysis/run-dir.js';
import { handPair, tempDir } from './fixtures.js';

test('goldenInputs: each golden run’s fit line and label mapping as one line, null where none was made', (t) => {
  const root = tempDir('golden-inputs');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  const path = join(pair.baseline, 'golden.json');
  const g = JSON.parse(readFileSync(path, 'utf8'));
  g.dataset.fit = '[3,32,32] → resize 64 (bilinear, no antialias), centre crop 64×64, 3→3 channels, no normalisation';
  g.dataset.labelMap = {
    how: 'class-list',
    file: 'lists/c.txt',
    sha256: 'f'.repeat(64),
    classes: 3,
    map: { b: 2, a: 0 },
  };
  writeFileSync(path, JSON.stringify(g));
  assert.deepEqual(goldenInputs(readRun(pair.baseline), readRun(pair.textGuided)), {
    baseline: {
      fit: g.dataset.fit,
      labels: '2 dataset classes onto 3 model classes by class list c.txt (sha256 ffffffffffff…): b→2, a→0',
    },
    textGuided: { fit: null, labels: null },
  });
});
