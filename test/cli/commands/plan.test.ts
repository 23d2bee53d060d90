import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { campaignSettings } from '../../../src/cli/commands/plan.js';
import { saveModel } from '../../../src/onnx/proto-io.js';
import { runCli } from '../run-cli.js';
import { residualNet } from '../../faults/nets.js';
import { tempDir } from '../../faults/fixtures.js';

const defaults = {
  perLayer: 4096,
  format: 'fp32',
  errorModel: 'bit-flip',
  target: 'neurons',
  seed: 0,
  batch: 128,
  guard: 'none',
  stratify: 'none',
};

test('campaignSettings: the parsed defaults map onto CampaignOptions; optional fields are absent, not undefined', () => {
  assert.deepEqual(campaignSettings(defaults), {
    perLayer: 4096,
    format: 'fp32',
    errorModel: 'bit-flip',
    target: 'neurons',
    seed: 0,
    rangeDetector: false,
    guard: 'none',
    stratify: 'none',
    batchSize: 128,
    quiet: false,
  });
});

test('campaignSettings: every given option reaches its field; --images is the limit', () => {
  const given = {
    rangeDetector: true,
    guard: 'analytic',
    stratify: 'bit',
    allocation: 'neyman',
    pilot: 64,
    halfwidth: 0.02,
    maxRounds: 0,
    layers: ['conv1', 'fc'],
    name: 'fp32-rd',
    inputShape: [3, 32, 32],
    threads: 2,
    quiet: true,
  };
  const o = campaignSettings({ ...defaults, ...given, images: 500 });
  assert.deepEqual(o, { ...campaignSettings(defaults), ...given, limit: 500 });
  assert.equal('images' in o, false);
});

test('tgr plan --halfwidth --json is refused in one line before any golden pass', async (t) => {
  const run = tempDir('cli-plan-halfwidth');
  t.after(() => rmSync(run, { recursive: true, force: true }));
  saveModel(residualNet({ channels: 1, size: 16, classes: 4, width: 4 }), join(run, 'model.onnx'));
  writeFileSync(join(run, 'meta.json'), JSON.stringify({ dataset: 'synthetic' }));
  const r = await runCli('plan', run, '--halfwidth', '0.05', '--json', '--quiet');
  assert.equal(r.code, 2);
  assert.equal(r.err, 'tgr: --json does not describe a --halfwidth plan yet; drop --json (tgr inject --json does)\n');
  assert.equal(r.out, '');
  assert.equal(existsSync(join(run, 'golden.json')), false);
});
