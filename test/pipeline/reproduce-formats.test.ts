import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reproduce } from '../../src/pipeline/reproduce.js';
import { stagesRun, tinyRun } from './tiny-run.js';
import { formatRunDir, readRun } from '../../src/analysis/run-dir.js';
import { handPair, tempDir } from '../analysis/fixtures.js';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('reproduce --formats fp32,bf16 runs bf16 on the whole network emulated in it, in formats/bf16/, then skips every stage; fp8-e4m3, int8 and bfp8 added run and reach the report', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'tgr-repro-formats-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const lines: string[] = [];
  const opts = tinyRun(out, lines, { formats: 'fp32,bf16', rangeDetector: 'off', guard: 'off' });
  await reproduce(opts);
  const analysis = json(join(out, 'analysis.json'));
  const formats = new Map<string, { baseline: unknown; textGuided: unknown }>(
    analysis.formats.map((e: { format: string }) => [e.format, e]),
  );
  for (const [run, key] of [
    ['baseline', 'baseline'],
    ['text-guided', 'textGuided'],
  ] as const) {
    const dir = join(out, run);
    const emulated = join(dir, 'formats', 'bf16');
    // fp32 stays in the model's own folder; bf16 has a folder of its own and no value-only campaign beside fp32.
    assert.ok(existsSync(join(dir, 'campaign', 'fp32', 'summary.json')), run);
    assert.ok(!existsSync(join(dir, 'campaign', 'bf16')), run);
    assert.ok(existsSync(join(emulated, 'campaign', 'bf16', 'summary.json')), run);
    const golden = json(join(emulated, 'golden.json'));
    const fp32 = json(join(dir, 'golden.json'));
    // The bf16 golden run is the emulated model's (its sha256), not the fp32 model's.
    const sha = createHash('sha256')
      .update(readFileSync(join(emulated, 'model.onnx')))
      .digest('hex');
    assert.equal(golden.model.sha256, sha, run);
    assert.notEqual(golden.model.sha256, fp32.model.sha256, run);
    assert.equal(golden.model.emulated, 'bf16', run);
    assert.deepEqual(golden.indices, fp32.indices, run);
    // The analysis finds it as the model's bf16 campaign, measured against that golden run.
    const found = readRun(dir).campaigns.map((c) => [c.name, c.ranIn?.dir ?? null]);
    assert.deepEqual(found, [
      ['fp32', null],
      ['bf16', emulated],
    ]);
    assert.deepEqual(formats.get('bf16')![key], {
      accuracy: golden.accuracy,
      basis: 'whole network',
      network: 'bf16',
    });
    assert.deepEqual(formats.get('fp32')![key], { accuracy: fp32.accuracy, basis: 'value-only', network: 'fp32' });
  }
  assert.deepEqual(
    analysis.comparison.formats.map((f: { format: string }) => f.format),
    ['fp32', 'bf16'],
  );
  const html = readFileSync(join(out, 'report', 'index.html'), 'utf8');
  assert.match(html, /<td>bf16<\/td><td>whole network in bf16<\/td>/);
  assert.match(html, /<td>fp32<\/td><td>fp32 network, value-only<\/td>/);
  assert.deepEqual(
    lines.filter((l) => l.startsWith('emulate-')).sort(), // the two models' chains run side by side
    ['emulate-baseline-bf16: running', 'emulate-text-guided-bf16: running'],
  );

  lines.length = 0;
  await reproduce(opts);
  assert.deepEqual(stagesRun(lines), []);
  assert.ok(lines.includes('emulate-baseline-bf16: up to date, skipped'), lines.join('\n'));
  assert.ok(lines.includes('inject-text-guided-bf16: up to date, skipped'), lines.join('\n'));

  // A per-channel format more: only its stages run, its channel scales profiled on the images the stage passes.
  lines.length = 0;
  await reproduce({ ...opts, formats: 'fp32,bf16,int:8:channel' });
  assert.deepEqual(stagesRun(lines).sort(), [
    'emulate-baseline-int:8:channel: running',
    'emulate-text-guided-int:8:channel: running',
    'inject-baseline-int:8:channel: running',
    'inject-text-guided-int:8:channel: running',
  ]);
  const perChannel = json(join(out, 'baseline', 'formats', 'int:8:channel', 'golden.json'));
  assert.equal(perChannel.model.emulated, 'int:8:channel');
  assert.ok(existsSync(join(out, 'baseline', 'formats', 'int:8:channel', 'campaign', 'int:8:channel', 'summary.json')));

  // Issue 16's list: FP8, int8 and BFP run as networks emulated in them; the report's formats table shows each.
  lines.length = 0;
  await reproduce({ ...opts, formats: 'fp32,bf16,fp8-e4m3,int8,bfp8' });
  assert.deepEqual(
    stagesRun(lines).sort(),
    ['fp8-e4m3', 'int8', 'bfp8']
      .flatMap((f) =>
        ['baseline', 'text-guided'].flatMap((m) => [`emulate-${m}-${f}: running`, `inject-${m}-${f}: running`]),
      )
      .sort(),
  );
  const all = json(join(out, 'analysis.json'));
  // The formats table names a format as the registry does (bfp8 is bfp:8:m7), its campaigns by folder.
  for (const [name, campaign] of [
    ['fp8-e4m3', 'fp8-e4m3'],
    ['int8', 'int8'],
    ['bfp:8:m7', 'bfp8'],
  ]) {
    const golden = json(join(out, 'text-guided', 'formats', campaign, 'golden.json'));
    const entry = all.formats.find((e: { format: string }) => e.format === name);
    assert.deepEqual(entry?.textGuided, { accuracy: golden.accuracy, basis: 'whole network', network: name }, name);
    assert.deepEqual(entry.campaigns, [{ campaign, kind: 'plain' }], name);
  }
  // Campaigns already on disk (int:8:channel) stay in the comparison.
  assert.deepEqual(
    all.comparison.formats.map((f: { format: string }) => f.format),
    ['fp32', 'bf16', 'bfp8', 'fp8-e4m3', 'int:8:channel', 'int8'],
  );
  const report = readFileSync(join(out, 'report', 'index.html'), 'utf8');
  assert.match(report, /<td>bfp:8:m7<\/td><td>whole network in bfp:8:m7<\/td>/);
  assert.match(report, /<td>fp8-e4m3<\/td><td>whole network in fp8-e4m3<\/td>/);
  assert.match(report, /<td>int8<\/td><td>whole network in int8<\/td>/);
});

test('a run folder holding one campaign name under campaign/ and under formats/F/campaign/ is refused, both named', (t) => {
  const root = tempDir('formats-twice');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { baseline } = handPair(root);
  const emulated = formatRunDir(baseline, 'bf16');
  assert.equal(emulated, join(baseline, 'formats', 'bf16'));
  // A format folder without its golden run is not a run yet: nothing of it is read.
  cpSync(join(baseline, 'campaign', 'fp32'), join(emulated, 'campaign', 'fp32'), { recursive: true });
  assert.deepEqual(
    readRun(baseline).campaigns.map((c) => c.name),
    ['fp32'],
  );
  cpSync(join(baseline, 'golden.json'), join(emulated, 'golden.json'));
  assert.throws(
    () => readRun(baseline),
    new RegExp(`holds campaign 'fp32' twice \\(under campaign/ and formats/bf16/campaign/\\); delete the one`),
  );
});
