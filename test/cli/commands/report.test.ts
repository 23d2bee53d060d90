import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../run-cli.js';
import { handPair, tempDir, writeRun } from '../../analysis/fixtures.js';

test('tgr report groups run folders (Table 3 from a random-init run), writes beside them, and re-renders analysis.json', async (t) => {
  const root = tempDir('cli-report');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  const random = writeRun(join(root, 'random'), {
    head: 'text-guided',
    labels: [0, 1, 2, 0],
    preds: [0, 1, 2, 0],
    top2diff: [1, 2, 3, 4],
    lastLayers: ['fc'],
    meta: { encoder: 'random' },
    layers: [
      { name: 'conv1', neurons: 8, maxAbs: 1, meanAbs: 1, deltas: [0.3] },
      { name: 'fc', neurons: 3, maxAbs: 1, meanAbs: 1, deltas: [1] },
    ],
  });
  const r = await runCli('report', pair.baseline, pair.textGuided, random, '--cam-images', '0', '--bootstrap', '50');
  assert.equal(r.code, 0, r.err);
  const html = readFileSync(join(root, 'report', 'index.html'), 'utf8');
  assert.ok(html.includes('<table id="tbl-ablation">'));
  const before = statSync(join(root, 'report', 'index.html')).mtimeMs;
  const again = await runCli('report', root, '--out', join(root, 'again'));
  assert.equal(again.code, 0, again.err);
  assert.equal(readFileSync(join(root, 'again', 'report', 'index.html'), 'utf8'), html);
  assert.equal(statSync(join(root, 'report', 'index.html')).mtimeMs, before);
});
