import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../run-cli.js';
import { handPair, tempDir } from '../../analysis/fixtures.js';
import { analysisRequest } from '../../../src/cli/analysis-options.js';
import { parseBits } from '../../../src/report/sections.js';
import { buildProgram } from '../../../src/cli/main.js';
import { initKinds } from '../../../src/analysis/ablation.js';

test('tgr compare writes analysis.json and report/index.html into the text-guided run and prints the verdict', async (t) => {
  const root = tempDir('cli-compare');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  const r = await runCli(
    'compare',
    pair.baseline,
    pair.textGuided,
    '--cam-images',
    '0',
    '--bootstrap',
    '100',
    '--tau',
    '0.5,2',
  );
  assert.equal(r.code, 0, r.err);
  // Two injections per layer decide nothing, and the headline says so; the thresholds given are the ones used.
  assert.match(r.out, /^No difference shown: no metric’s interval excludes 1\. .*critical \(ΔLoss > 0\.5\)/);
  const html = readFileSync(join(pair.textGuided, 'report', 'index.html'), 'utf8');
  assert.ok(
    html.indexOf('id="tbl-verdict"') > 0 && html.indexOf('id="tbl-verdict"') < html.indexOf('id="tbl-summary"'),
  );
  const analysis = JSON.parse(readFileSync(join(pair.textGuided, 'analysis.json'), 'utf8'));
  assert.equal(analysis.settings.bootstrap.resamples, 100);
  assert.deepEqual(analysis.comparison.formats[0].baseline.tau, [0.5, 2]);
  const bad = await runCli('compare', pair.baseline, pair.textGuided, '--tau', '1,-2');
  assert.equal(bad.code, 2);
  assert.match(
    bad.err,
    /--tau <list>. argument .1,-2. is invalid\. Expected comma-separated numbers above 0, e\.g\. 0\.1,1,10/,
  );
});

test('tgr compare: a missing model for Ablation-CAM says how to skip the figure', async (t) => {
  const root = tempDir('cli-compare-cam');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  const r = await runCli('compare', pair.baseline, pair.textGuided, '--out', join(root, 'out'));
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /model\.onnx is missing; Ablation-CAM needs the trained model — run 'tgr train', or skip the figure with --cam-images 0/,
  );
});

test('--cam-bits takes bits and ranges', () => {
  assert.deepEqual(parseBits('0-3,30'), [0, 1, 2, 3, 30]);
  assert.throws(() => parseBits('31-33'), /must name fp32 bits 0\.\.31/);
  assert.throws(() => parseBits('x'), /'x' is not a bit or a range like 0-22/);
});

test('--cam-measure and --cam-bound reach the CAM request; a measure below 1 is refused', async (t) => {
  const root = tempDir('cli-compare-measure');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  const bad = await runCli('compare', pair.baseline, pair.textGuided, '--cam-measure', '0');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /'--cam-measure <n>' argument '0' is invalid. Expected a whole number from 1 to 100000/);
  const cam = analysisRequest({ camImages: 3, camMeasure: 7, camBound: 2 }).cam!;
  assert.deepEqual([cam.measure, cam.bound], [7, 2]);
});

test('the Table 3 flags are the initialisations but the main run’s own, with their table’s words', () => {
  const cmd = buildProgram().commands.find((c) => c.name() === 'compare')!;
  const flags = cmd.options.filter((o) => initKinds.some((k) => o.long === `--${k}`));
  assert.deepEqual(
    flags.map((o) => [o.long, o.description]),
    [
      ['--random', 'text-guided run with a randomly initialised projection (Table 3)'],
      ['--template', 'text-guided run initialised from "a photo of a {class}" (Table 3)'],
    ],
  );
});
