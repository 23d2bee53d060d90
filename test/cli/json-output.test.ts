import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { saveModel } from '../../src/onnx/proto-io.js';
import { runPath, tgrVersion } from '../../src/cli/json-output.js';
import { jsonDocumentSchemas, type JsonCommand } from '../../src/cli/json-documents.js';
import { readRunFile } from '../../src/run-folder/run-file.js';
import { runCli } from './run-cli.js';
import { residualNet } from '../faults/nets.js';
import { tempDir } from '../faults/fixtures.js';
import { handPair } from '../analysis/fixtures.js';

const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;

/** Runs tgr and parses its stdout as the one JSON document it must be (JSON.parse refuses anything around it). */
async function runJson(...argv: string[]) {
  const r = await runCli(...argv, '--json');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^\{\n[^]*\n\}\n$/);
  const doc = JSON.parse(r.out);
  jsonDocumentSchemas[argv[0] as JsonCommand].parse(doc); // every field declared, of its declared type
  return { doc, err: r.err };
}

/** A run folder holding an untrained 1×16×16, 4-class residual net; the synthetic dataset matches its input. */
function runFolder(label: string): string {
  const dir = tempDir(label);
  saveModel(residualNet({ channels: 1, size: 16, classes: 4, width: 4 }), join(dir, 'model.onnx'));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ dataset: 'synthetic' }));
  return dir;
}

const readJson = (...p: string[]) => JSON.parse(readFileSync(join(...p), 'utf8'));

test('every document starts with the package version and the command', () => {
  assert.equal(tgrVersion(), version);
  assert.equal(runPath('/r/run', '/r/run/campaign/fp32/plan.json'), 'campaign/fp32/plan.json');
  assert.equal(runPath('/r/run', '/r/model.onnx'), '../model.onnx');
});

test('--json on inspect, plan, inject, inject --shard and merge: one document on stdout, progress on stderr', async (t) => {
  const run = runFolder('json-inject');
  t.after(() => rmSync(run, { recursive: true, force: true }));

  const ins = (await runJson('inspect', run)).doc;
  assert.equal(ins.tgr, version);
  assert.equal(ins.command, 'inspect');
  assert.equal(ins.model, join(run, 'model.onnx'));
  assert.deepEqual(ins.input, { name: 'input', shape: [1, 16, 16] });
  assert.deepEqual(ins.output, { name: 'logits', classes: 4 });
  assert.equal(ins.layers.length, 7);
  assert.deepEqual(ins.layers.at(-1), {
    name: 'fc',
    opType: 'Gemm',
    shape: [4],
    neurons: 4,
    weights: 32,
    lastLayer: true,
    layout: null,
  });
  assert.equal(ins.layers.filter((l: { lastLayer: boolean }) => l.lastLayer).length, 1);
  assert.deepEqual(ins.leftOut, []);

  const plan = (await runJson('plan', run, '--per-layer', '40', '--margin', '0.05', '--quiet')).doc;
  assert.deepEqual([plan.command, plan.run, plan.campaign], ['plan', run, 'fp32']);
  assert.deepEqual(plan.files, { golden: 'golden.json', plan: 'campaign/fp32/plan.json' });
  assert.deepEqual(plan.settings, {
    perLayer: 40,
    injections: 280,
    target: 'neurons',
    format: 'fp32',
    errorModel: 'bit-flip',
    seed: 0,
    rangeDetector: false,
    guard: 'none',
    guardDeltaLossBound: null,
    stratify: 'none',
    strata: null,
  });
  assert.equal(plan.confidence, 0.99);
  assert.equal(plan.targetMargin, 0.05);
  const onDisk = readJson(run, 'campaign', 'fp32', 'plan.json');
  assert.deepEqual(
    plan.layers.map((l: { layer: string; elements: number }) => [l.layer, l.elements]),
    onDisk.layers.map((l: { name: string; elements: number }) => [l.name, l.elements]),
  );
  const fc = plan.layers.at(-1);
  // fc: 4 elements × 32 bits × the pool's images; 40 of them buy a worst-case margin, ±5% takes more than 40.
  assert.equal(fc.population, 4 * 32 * plan.pool);
  assert.equal(fc.n, 40);
  assert.ok(fc.margin > 0.05 && fc.margin < 0.25, String(fc.margin));
  assert.ok(fc.nForMargin > 40 && fc.nForMargin <= fc.population, String(fc.nForMargin));
  assert.equal(plan.units, onDisk.units.length);

  // Without --quiet the progress lines go to stderr while stdout stays one document.
  const inj = await runJson('inject', run, '--per-layer', '40');
  assert.notEqual(inj.err, '');
  const doc = inj.doc;
  assert.deepEqual([doc.command, doc.run, doc.campaign, doc.shard, doc.jobs], ['inject', run, 'fp32', null, null]);
  assert.deepEqual(doc.files, {
    plan: 'campaign/fp32/plan.json',
    faults: 'campaign/fp32/faults.jsonl',
    summary: 'campaign/fp32/summary.json',
    summaryCsv: 'campaign/fp32/summary.csv',
  });
  assert.deepEqual([doc.injections.sites, doc.injections.resumed], [280, 0]);
  assert.equal(
    Object.values(doc.injections.paths as Record<string, number>).reduce((s, n) => s + n, 0),
    280,
  );
  // The summary is summary.json's, with the model's path relative to the run.
  const summary = readJson(run, 'campaign', 'fp32', 'summary.json');
  delete summary.tgrFile; // the file's own header (kind, version), when it has one
  assert.deepEqual(doc.summary, { ...summary, model: 'model.onnx' });
  assert.equal(doc.summary.layers.length, 7);
  const layer = doc.summary.layers[0];
  assert.equal(layer.n, 40);
  assert.deepEqual(Object.keys(layer.sdc), ['value', 'lower', 'upper', 'se', 'method']);
  assert.ok(layer.sdc.lower <= layer.sdc.value && layer.sdc.value <= layer.sdc.upper);
  assert.equal(doc.summary.overall.slots, 7);

  const again = (await runJson('inject', run, '--per-layer', '40', '--quiet')).doc;
  assert.deepEqual([again.injections.sites, again.injections.resumed], [280, 280]);

  const shard = (await runJson('inject', run, '--per-layer', '40', '--name', 'sharded', '--shard', '0/2', '--quiet'))
    .doc;
  assert.deepEqual(shard.shard, { index: 0, count: 2 });
  assert.equal(shard.summary, null);
  assert.deepEqual([shard.files.summary, shard.files.summaryCsv], [null, null]);
  assert.match(shard.files.faults, /^campaign\/sharded\/[^/]+$/);
  assert.notEqual(shard.files.faults, 'campaign/sharded/faults.jsonl');
  assert.equal(
    (await runCli('inject', run, '--per-layer', '40', '--name', 'sharded', '--shard', '1/2', '--quiet')).code,
    0,
  );

  const merged = (await runJson('merge', run, '--shards', '2', '--name', 'sharded')).doc;
  assert.deepEqual([merged.command, merged.campaign, merged.shards, merged.records], ['merge', 'sharded', 2, 280]);
  assert.equal(merged.files.faults, 'campaign/sharded/faults.jsonl');
  assert.equal(merged.files.summary, 'campaign/sharded/summary.json');
  // The merged campaign's summary is the single run's.
  assert.deepEqual(merged.summary, doc.summary);
});

test('tgr inject --jobs 2 --json (a real process): the children’s lines go to stderr, stdout is the merged campaign', async (t) => {
  const run = runFolder('json-jobs');
  t.after(() => rmSync(run, { recursive: true, force: true }));
  // Spawned, not in-process: the children's relayed lines are written with process.stdout.write, which this command
  // sends to stderr for its duration, and node's test runner reports through process.stdout.
  const bin = fileURLToPath(new URL('../../bin/tgr.js', import.meta.url));
  const argv = [bin, 'inject', run, '--per-layer', '20', '--jobs', '2', '--threads', '1', '--json'];
  const r = await promisify(execFile)(process.execPath, argv, { env: { ...process.env, TGR_FROM_SOURCE: '1' } });
  const doc = JSON.parse(r.stdout);
  jsonDocumentSchemas.inject.parse(doc);
  assert.deepEqual([doc.command, doc.jobs, doc.shard, doc.campaign], ['inject', 2, null, 'fp32']);
  assert.deepEqual(doc.injections, { sites: 140, resumed: null, paths: null, seconds: doc.injections.seconds });
  assert.equal(doc.files.faults, 'campaign/fp32/faults.jsonl');
  const summary = readJson(run, 'campaign', 'fp32', 'summary.json');
  delete summary.tgrFile;
  assert.deepEqual(doc.summary, { ...summary, model: 'model.onnx' });
  // Each child's own text summary reached stderr, prefixed with its shard.
  assert.match(r.stderr, /^\[0\/2\] /m);
  assert.match(r.stderr, /^\[1\/2\] /m);
});

test('--json with a bad value still exits 2 with one line on stderr and nothing on stdout', async (t) => {
  const run = runFolder('json-bad');
  t.after(() => rmSync(run, { recursive: true, force: true }));
  const bad = await runCli('inject', run, '--per-layer', '0', '--json');
  assert.equal(bad.code, 2);
  assert.equal(bad.out, '');
  assert.match(bad.err, /^tgr: option '--per-layer <n>' argument '0' is invalid\.[^\n]*\n$/);
  // An error found while working (no shards to merge) is one line too, and stdout stays empty.
  const merge = await runCli('merge', run, '--shards', '2', '--json');
  assert.equal(merge.code, 2);
  assert.equal(merge.out, '');
  assert.match(merge.err, /^tgr: [^\n]+\n$/);
});

test('tgr models --json: per backbone both heads’ parameters and MACs, or why it cannot be built', async () => {
  const { doc } = await runJson('models', '--dataset', 'cifar10', '--embed-dim', '512');
  assert.deepEqual([doc.tgr, doc.command, doc.dataset], [version, 'models', 'cifar10']);
  assert.deepEqual([doc.inputShape, doc.numClasses, doc.embedDim], [[3, 32, 32], 10, 512]);
  assert.equal(doc.backbones.length, 22);
  const by = (name: string) => doc.backbones.find((b: { backbone: string }) => b.backbone === name);
  // The same figures as the text table (models.test.ts): ResNet-20's head adds 37,751 parameters.
  assert.deepEqual(by('resnet20'), {
    backbone: 'resnet20',
    linear: { params: 269_722, macs: 40_551_040 },
    textGuided: { params: 307_473, macs: 40_588_288 },
  });
  assert.match(by('alexnet').unavailable, /a 3×32×32 input is too small: 'features\.12' would output 0×0/);
});

test('tgr compare --json: the verdict, its rows with intervals and sides, per-layer ratios, files relative to --out', async (t) => {
  const root = tempDir('json-compare');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  const out = join(root, 'out');
  const argv = ['compare', pair.baseline, pair.textGuided, '--cam-images', '0', '--bootstrap', '100', '--out', out];
  const { doc } = await runJson(...argv, '--tau', '0.5,2');
  assert.deepEqual([doc.tgr, doc.command, doc.out], [version, 'compare', out]);
  assert.deepEqual(doc.files, { analysisJson: 'analysis.json', html: 'report/index.html' });
  // The document is plain JSON (a non-finite number is null); analysis.json keeps ±∞ and NaN, so compare as JSON.
  const analysis = JSON.parse(JSON.stringify(readRunFile('analysis', join(out, 'analysis.json'))));
  assert.deepEqual(doc.verdict, analysis.verdict);
  assert.equal(doc.verdict.reproduced, 'no');
  assert.match(doc.verdict.sentence, /^No difference shown: no metric’s interval excludes 1\./);
  assert.deepEqual(doc.models.baseline, { run: 'base', head: 'linear', accuracy: 0.75, images: 4 });
  assert.deepEqual(doc.models.textGuided, { run: 'tg', head: 'text-guided', accuracy: 1, images: 4 });
  assert.equal(doc.campaigns.length, 1);
  const c = doc.campaigns[0];
  assert.equal(c.campaign, 'fp32');
  // SDC, DUE, critical at τ 0.5 and 2, mean ΔLoss; last layer then overall.
  assert.deepEqual(
    c.metrics.map((m: { metric: string; tau?: number; scope: string }) => `${m.scope}:${m.metric}${m.tau ?? ''}`),
    ['lastLayer', 'overall'].flatMap((s) =>
      ['sdc', 'due', 'critical0.5', 'critical2', 'deltaLoss'].map((m) => `${s}:${m}`),
    ),
  );
  assert.deepEqual(c.metrics, analysis.comparison.formats[0].metrics);
  for (const m of c.metrics) {
    assert.equal(m.side, 'straddles 1');
    assert.deepEqual(Object.keys(m.ratio).sort(), ['bounds', 'lower', 'method', 'ratio', 'upper']);
  }
  // conv1, the one layer both models have: mean ΔLoss 0.3 ÷ 0.15.
  assert.deepEqual(
    c.layers.map((l: { layer: string }) => l.layer),
    ['conv1'],
  );
  assert.ok(Math.abs(c.layers[0].improvement.ratio - 2) < 1e-12, String(c.layers[0].improvement.ratio));
});
