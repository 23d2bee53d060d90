import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  backboneOf,
  campaignGolden,
  datasetOf,
  formatRunDir,
  headOf,
  readRun,
  type RunDir,
} from '../../src/analysis/run-dir.js';
import { TgrError } from '../../src/core/errors.js';
import { tempDir, writeRun, type FixtureRun } from './fixtures.js';

const oneLayer = (format = 'fp32'): FixtureRun => ({
  head: 'linear',
  backbone: 'resnet20',
  format,
  labels: [0, 1],
  preds: [0, 1],
  top2diff: [5, 6],
  lastLayers: ['fc'],
  layers: [{ name: 'fc', neurons: 3, maxAbs: 1, meanAbs: 1, deltas: [1, 2] }],
});

const refused = (f: () => unknown, code: string, message: string) =>
  assert.throws(f, (e) => e instanceof TgrError && e.code === code && e.message === message);

test('readRun: absolute folder, its name, meta.json, each campaign with its settings, summary and records', (t) => {
  const root = tempDir('run-dir');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = writeRun(join(root, 'base'), oneLayer());
  const run = readRun(join(root, '.', 'base'));
  assert.equal(run.dir, resolve(dir));
  assert.equal(run.name, 'base');
  assert.equal(run.meta.head, 'linear');
  assert.equal(run.modelPath, undefined);
  assert.deepEqual(
    run.campaigns.map((c) => c.name),
    ['fp32'],
  );
  const c = run.campaigns[0]!;
  assert.deepEqual(c.settings, {
    format: 'fp32',
    errorModel: 'bit-flip',
    target: 'neurons',
    rangeDetector: false,
    seed: 7,
    perLayer: 2,
  });
  assert.equal(c.faultsPath, join(run.dir, 'campaign', 'fp32', 'faults.jsonl'));
  assert.equal(c.summary!.layers[0]!.layer, 'fc');
  assert.equal(c.ranIn, undefined);
  // A campaign folder holding neither summary nor records is not a campaign; a model.onnx is found.
  mkdirSync(join(dir, 'campaign', 'empty'));
  writeFileSync(join(dir, 'model.onnx'), '');
  const again = readRun(dir);
  assert.deepEqual(
    again.campaigns.map((x) => x.name),
    ['fp32'],
  );
  assert.equal(again.modelPath, join(run.dir, 'model.onnx'));
});

test('left-out nodes are kept in the settings; an unguarded campaign has no guard key', (t) => {
  const root = tempDir('run-dir-guard');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = writeRun(join(root, 'g'), oneLayer());
  const path = join(dir, 'campaign', 'fp32', 'summary.json');
  const summary = JSON.parse(readFileSync(path, 'utf8'));
  const leftOut = [{ name: 'conv0', opType: 'Conv', reason: 'its output is not a float tensor' }];
  writeFileSync(path, JSON.stringify({ ...summary, leftOut }));
  const settings = readRun(dir).campaigns[0]!.settings;
  assert.deepEqual(settings.leftOut, leftOut);
  assert.equal('guard' in settings, false);
});

test("formats/F/ campaigns belong to the run, measured against F's golden run; a name twice is refused", (t) => {
  const root = tempDir('run-dir-formats');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = writeRun(join(root, 'm'), oneLayer());
  const bf16 = writeRun(formatRunDir(dir, 'bf16'), { ...oneLayer('bf16'), preds: [0, 0] });
  assert.equal(bf16, join(dir, 'formats', 'bf16'));
  const run = readRun(dir);
  assert.deepEqual(
    run.campaigns.map((c) => [c.name, c.ranIn?.dir]),
    [
      ['fp32', undefined],
      ['bf16', resolve(bf16)],
    ],
  );
  assert.equal(campaignGolden(run, 'bf16').accuracy, 0.5);
  assert.equal(campaignGolden(run, 'fp32').accuracy, 1);
  assert.equal(campaignGolden(run, 'no-such-campaign'), run.golden);
  // A formats/F folder without golden.json is ignored.
  mkdirSync(join(dir, 'formats', 'fp16', 'campaign'), { recursive: true });
  assert.equal(readRun(dir).campaigns.length, 2);
  writeRun(join(root, 'twice'), oneLayer('bf16'));
  writeRun(formatRunDir(join(root, 'twice'), 'bf16'), oneLayer('bf16'));
  const abs = resolve(root, 'twice');
  refused(
    () => readRun(abs),
    'bad_file',
    `${abs} holds campaign 'bf16' twice (under campaign/ and formats/bf16/campaign/); delete the one you do not mean`,
  );
});

test('formatRunDir refuses a format that is not a plain folder name', () => {
  assert.equal(formatRunDir('runs/m', 'int:4'), join('runs/m', 'formats', 'int:4'));
  refused(
    () => formatRunDir('runs/m', '../x'),
    'bad_argument',
    "number format '../x' is not a plain name (no '/', '\\', '.' or '..'): it names a folder inside another; pass a single name such as fp32-rd",
  );
});

test('readRun refuses a missing folder, a missing golden run and one without last layers, naming the file', (t) => {
  const root = tempDir('run-dir-refused');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  refused(
    () => readRun(join(root, 'nope')),
    'bad_argument',
    `run folder '${join(root, 'nope')}' does not exist; pass a folder written by 'tgr train' / 'tgr inject'`,
  );
  refused(
    () => readRun(root),
    'bad_file',
    `${join(root, 'golden.json')}: the golden run is missing; run 'tgr inject' on this run first`,
  );
  const dir = writeRun(join(root, 'r'), oneLayer());
  const golden = join(dir, 'golden.json');
  writeFileSync(golden, JSON.stringify({ ...JSON.parse(readFileSync(golden, 'utf8')), lastLayers: [] }));
  refused(
    () => readRun(dir),
    'bad_file',
    `${golden}: no lastLayers; the comparison needs the model's last layer — re-run 'tgr inject'`,
  );
});

test("head, backbone and dataset come from meta.json, else golden.json's model and dataset", (t) => {
  const root = tempDir('run-dir-names');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const run = readRun(writeRun(join(root, 'r'), { ...oneLayer(), meta: { dataset: 'cifar10' } }));
  assert.deepEqual([headOf(run), backboneOf(run), datasetOf(run)], ['linear', 'resnet20', 'cifar10']);
  const bare: RunDir = { ...run, meta: {} };
  assert.deepEqual([headOf(bare), backboneOf(bare), datasetOf(bare)], ['linear', 'resnet20', 'synthetic']);
  const noBackbone: RunDir = {
    ...bare,
    golden: { ...bare.golden, model: { ...bare.golden.model, backbone: undefined } },
  };
  assert.equal(backboneOf(noBackbone), 'model');
});
