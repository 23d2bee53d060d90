import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveModel } from '../../../src/onnx/proto-io.js';
import { runCli } from '../run-cli.js';
import { residualNet } from '../../faults/nets.js';
import { tempDir } from '../../faults/fixtures.js';

const target = ['--halfwidth', '0.1', '--stratify', 'bit', '--pilot', '64', '--per-layer', '2000', '--threads', '1'];

test('tgr plan|inject --halfwidth: the pilot and round 1 planned, then the rounds run and joined; --jobs 2 gives the same bytes', async (t) => {
  const run = tempDir('cli-halfwidth');
  t.after(() => rmSync(run, { recursive: true, force: true }));
  saveModel(residualNet({ channels: 1, size: 16, classes: 4, width: 4 }), join(run, 'model.onnx'));
  writeFileSync(join(run, 'meta.json'), JSON.stringify({ dataset: 'synthetic' }));
  const plan = await runCli('plan', run, ...target, '--quiet');
  assert.equal(plan.code, 0, plan.err);
  const lines = plan.out.trim().split('\n');
  assert.equal(
    lines[0],
    `${join(run, 'campaign', 'fp32')}/rounds/: target ±0.1 (99%) on mismatch and critical (ΔLoss > 1) rates`,
  );
  assert.equal(lines[1], 'layer | pilot n | ± mismatch | ± critical | round 1 n');
  assert.equal(lines.length, 2 + 7, 'one row per layer');
  assert.match(lines[2]!, /^\S+ \| 64 \| 0\.\d{4} \| 0\.\d{4} \| (\d+|done)$/);
  // A target the pilot does not reach: round 1 is planned (not run), and the table gives its totals.
  const tight = await runCli('plan', run, ...target, '--halfwidth', '0.03', '--name', 'tight', '--quiet');
  assert.equal(tight.code, 0, tight.err);
  const rows = tight.out.trim().split('\n').slice(2);
  assert.equal(rows.length, 7);
  assert.ok(
    rows.some((r) => /^\S+ \| 64 \| 0\.\d{4} \| 0\.\d{4} \| \d+$/.test(r)),
    `a layer goes on to round 1:\n${tight.out}`,
  );
  assert.deepEqual(readdirSync(join(run, 'campaign', 'tight', 'rounds', '1')), ['plan.json']);
  const one = await runCli('inject', run, ...target, '--quiet');
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, /campaign\/fp32\/faults\.jsonl: \d+ injections \(\d+ already done\)/);
  const jobs = await runCli('inject', run, ...target, '--name', 'jobs', '--jobs', '2');
  assert.equal(jobs.code, 0, jobs.err);
  assert.deepEqual(
    readdirSync(join(run, 'campaign', 'jobs', 'rounds')),
    readdirSync(join(run, 'campaign', 'fp32', 'rounds')),
  );
  for (const f of ['faults.jsonl', 'faults.jsonl.units', 'summary.csv'])
    assert.ok(readFileSync(join(run, 'campaign', 'jobs', f)).equals(readFileSync(join(run, 'campaign', 'fp32', f))), f);
  const bad = await runCli('inject', run, ...target, '--name', 'bad', '--allocation', 'equal');
  assert.equal(bad.code, 2);
  assert.equal(
    bad.err,
    'tgr: --halfwidth allocates each round from the records so far: --allocation floor (the default) or neyman; drop --allocation equal\n',
  );
  const fixed = await runCli(
    'inject',
    run,
    '--stratify',
    'bit',
    '--allocation',
    'floor',
    '--per-layer',
    '64',
    '--name',
    'f',
  );
  assert.equal(fixed.code, 2);
  assert.equal(
    fixed.err,
    'tgr: --allocation floor sizes the rounds of a --halfwidth campaign; add --halfwidth W or use equal or neyman\n',
  );
  assert.ok(!readdirSync(join(run, 'campaign')).includes('f'), 'nothing written for the refused campaign');
  const rounds = await runCli('inject', run, '--max-rounds', '3', '--per-layer', '64', '--name', 'r');
  assert.equal(rounds.code, 2);
  assert.equal(
    rounds.err,
    'tgr: --max-rounds bounds the top-up rounds of a --halfwidth campaign; add --halfwidth W or drop --max-rounds\n',
  );
  assert.ok(!readdirSync(join(run, 'campaign')).includes('r'), 'nothing written for the refused campaign');
});
