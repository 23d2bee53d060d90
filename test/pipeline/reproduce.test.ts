import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { reproduce } from '../../src/pipeline/reproduce.js';
import { readRunFile, writeRunFile } from '../../src/run-folder/run-file.js';
import { readPlan } from '../../src/faults/plan/plan-file.js';
import { stagesRun, tinyRun, tinyRunFlags } from './tiny-run.js';

test('reproduce runs every stage on a tiny synthetic run, then skips what is current and redoes only what is gone', async () => {
  const out = mkdtempSync(join(tmpdir(), 'tgr-repro-'));
  const lines: string[] = [];
  const opts = tinyRun(out, lines, { camImages: 1 });
  const first = await reproduce(opts);
  assert.ok(existsSync(first.report));
  for (const f of [
    'analysis.json',
    'descriptions.json',
    'class-embeddings.npy',
    'baseline/model.onnx',
    'text-guided/model.onnx',
    'baseline/campaign/fp32/faults.jsonl',
    'text-guided/campaign/fp32/summary.json',
  ]) {
    assert.ok(existsSync(join(out, f)), f);
  }
  // Training's test accuracy and the golden run see the same 32 images (both spread them evenly over the split).
  for (const run of ['baseline', 'text-guided']) {
    const meta = readRunFile('meta', join(out, run, 'meta.json'));
    assert.equal(readRunFile('golden', join(out, run, 'golden.json')).accuracy, meta.accuracy, run);
  }
  // analysis.json reads back whole: every field the analysis wrote passes its schema, and none is dropped.
  const analysisJson = join(out, 'analysis.json');
  const again = join(mkdtempSync(join(tmpdir(), 'tgr-repro-again-')), 'analysis.json');
  writeRunFile('analysis', again, readRunFile('analysis', analysisJson));
  assert.deepEqual(JSON.parse(readFileSync(again, 'utf8')), JSON.parse(readFileSync(analysisJson, 'utf8')));
  const html = readFileSync(first.report, 'utf8');
  assert.match(html, /<table/);
  assert.ok(stagesRun(lines).length >= 5, lines.join('\n'));

  lines.length = 0;
  await reproduce(opts);
  assert.deepEqual(stagesRun(lines), []);

  rmSync(join(out, 'text-guided', 'campaign', 'fp32', 'summary.json'));
  lines.length = 0;
  await reproduce(opts);
  assert.deepEqual(stagesRun(lines), ['inject-text-guided-fp32: running']);

  // A run folder moved elsewhere is still current: stages know their inputs by content, not by path.
  const moved = `${out}-moved`;
  cpSync(out, moved, { recursive: true });
  lines.length = 0;
  await reproduce({ ...opts, out: moved });
  assert.deepEqual(stagesRun(lines), []);

  // Changed settings rerun the stages they reach and replace what those left instead of refusing it: campaigns
  // planned with another --per-layer are planned again; models evaluated on other test images are trained again and
  // get a golden pass over the new images.
  const campaigns = ['baseline', 'text-guided'].flatMap((m) => ['fp32', 'fp32-rd', 'fp32-guard'].map((c) => [m, c]));
  lines.length = 0;
  await reproduce({ ...opts, out: moved, perLayer: 8 });
  assert.deepEqual(stagesRun(lines).sort(), campaigns.map(([m, c]) => `inject-${m}-${c}: running`).sort());
  for (const [m, c] of campaigns) assert.equal(readPlan(join(moved, m!, 'campaign', c!, 'plan.json')).perLayer, 8);
  lines.length = 0;
  await reproduce({ ...opts, out: moved, perLayer: 8, limitTest: 24 });
  assert.deepEqual(
    stagesRun(lines)
      .filter((l) => l.startsWith('train-'))
      .sort(),
    ['train-baseline: running', 'train-text-guided: running'],
  );
  assert.equal(stagesRun(lines).length, 2 + campaigns.length);
  for (const m of ['baseline', 'text-guided'])
    assert.equal(readRunFile('golden', join(moved, m, 'golden.json')).indices.length, 24, m);
});

test('an unknown preset lists the presets', async () => {
  await assert.rejects(reproduce({ preset: 'fast' }), /unknown preset \(--preset\) 'fast'; choose one of: quick, full/);
});

test('reproduce killed (SIGKILL) mid-pipeline reruns without redoing the stages it finished', async () => {
  const out = mkdtempSync(join(tmpdir(), 'tgr-repro-kill-'));
  const flags = tinyRunFlags(out);
  const child = spawn(process.execPath, ['bin/tgr.js', 'reproduce', ...flags], {
    env: { ...process.env, TGR_FROM_SOURCE: '1' },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const stamp = join(out, '.stages', 'train-baseline.json');
  while (!existsSync(stamp) && child.exitCode === null) await sleep(20);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', 'the pipeline was still running when killed');
  const lines: string[] = [];
  await reproduce(tinyRun(out, lines));

  assert.ok(lines.includes('embed-descriptions: up to date, skipped'), lines.join('\n'));
  assert.ok(lines.includes('train-baseline: up to date, skipped'), lines.join('\n'));
  assert.ok(existsSync(join(out, 'report', 'index.html')));
});
