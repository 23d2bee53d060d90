import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveModel } from '../../../src/onnx/proto-io.js';
import { runCli } from '../run-cli.js';
import { residualNet } from '../../faults/nets.js';
import { tempDir } from '../../faults/fixtures.js';

test('tgr inject --jobs 2 equals one process at the same threads byte for byte (records, sidecar, summary)', async (t) => {
  const run = tempDir('cli-inject-jobs');
  t.after(() => rmSync(run, { recursive: true, force: true }));
  saveModel(residualNet({ channels: 1, size: 16, classes: 4, width: 4 }), join(run, 'model.onnx'));
  writeFileSync(join(run, 'meta.json'), JSON.stringify({ dataset: 'synthetic' }));
  const one = await runCli('inject', run, '--per-layer', '40', '--threads', '1', '--quiet');
  assert.equal(one.code, 0, one.err);
  const jobs = await runCli('inject', run, '--per-layer', '40', '--name', 'jobs', '--jobs', '2', '--threads', '1');
  assert.equal(jobs.code, 0, jobs.err);
  assert.match(jobs.out, /faults\.jsonl: 280 injections from 2 jobs in [\d.]+ s\n/);
  for (const f of ['faults.jsonl', 'faults.jsonl.units', 'summary.csv'])
    assert.ok(readFileSync(join(run, 'campaign', 'jobs', f)).equals(readFileSync(join(run, 'campaign', 'fp32', f))), f);
  const both = await runCli('inject', run, '--per-layer', '40', '--name', 'jobs', '--jobs', '2', '--shard', '0/2');
  assert.equal(both.code, 2);
  assert.equal(both.err, 'tgr: --jobs runs every shard itself; drop --shard (or --jobs) and run again\n');
});
