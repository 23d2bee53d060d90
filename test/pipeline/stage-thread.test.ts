import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TgrError } from '../../src/core/errors.js';
import { StageDisplay } from '../../src/pipeline/stage-display.js';
import { runInWorker } from '../../src/pipeline/stage-thread.js';

function sink(): NodeJS.WriteStream & { text: string } {
  const s = { text: '', isTTY: false, write: (c: string) => ((s.text += c), true) };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

test("a stage's user error comes back from its worker as the same TgrError, and the stage's display ends", async () => {
  const out = mkdtempSync(join(tmpdir(), 'tgr-stage-'));
  const display = new StageDisplay(sink(), 0);
  const job = { kind: 'train' as const, options: { backbone: 'resnet7', dataset: 'synthetic', out: join(out, 'r') } };
  const e = await runInWorker(job, 'train-x', display).then(
    () => assert.fail('the stage should fail'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof TgrError, String(e));
  assert.equal(e.code, 'unknown_name');
  assert.match(e.message, /unknown backbone .*'resnet7'; choose one of: .*resnet20/);
});

test("a stage's output and progress reach the display under its tag", async () => {
  const out = mkdtempSync(join(tmpdir(), 'tgr-stage-'));
  const s = sink();
  const display = new StageDisplay(s, 3600);
  const options = {
    backbone: 'resnet20',
    dataset: 'synthetic',
    epochs: 1,
    limitTrain: 64,
    limitTest: 16,
    batchSize: 32,
    threads: 1,
  };
  await runInWorker({ kind: 'train', options: { ...options, out: join(out, 'r') } }, 'train-t', display);
  const lines = s.text.trimEnd().split('\n');
  assert.ok(lines.length >= 2, s.text);
  for (const l of lines) assert.match(l, /^\[train-t\] /);
  assert.ok(
    lines.some((l) => /^\[train-t\] epoch 1\/1: 64\/64 img \(/.test(l)),
    s.text,
  );
});
