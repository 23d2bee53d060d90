import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnModuleWorker } from '../../src/core/module-worker.js';
import { saveModel } from '../../src/onnx/proto-io.js';
import type { StageJob } from '../../src/pipeline/stage-jobs.js';
import type { StageMessage } from '../../src/pipeline/stage-thread.js';
import { residualNet } from '../faults/nets.js';

/** Runs stage-worker on `job` and returns every message it posted, in order, once the job has said how it ended. */
function messages(job: StageJob): Promise<StageMessage[]> {
  const worker = spawnModuleWorker(new URL('../../src/pipeline/stage-worker.js', import.meta.url), {
    workerData: job,
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  const seen: StageMessage[] = [];
  return new Promise((resolve, reject) => {
    worker.on('message', (m: StageMessage) => {
      seen.push(m);
      if (m.type !== 'progress') void worker.terminate().then(() => resolve(seen));
    });
    worker.on('error', reject);
  });
}

test('a job’s progress is posted as progress messages, the last of each bar marked done, then done', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'tgr-stage-worker-'));
  const model = join(runDir, 'model.onnx');
  saveModel(residualNet({ classes: 4, size: 16, channels: 1 }), model);
  const job: StageJob = {
    kind: 'emulate',
    options: { model, runDir, format: 'bf16', out: join(runDir, 'bf16.onnx'), limit: 8 },
    images: { dataset: 'synthetic', seed: 0, split: 'test' },
  };
  const seen = await messages(job);
  assert.deepEqual(seen.at(-1), { type: 'done' });
  const progress = seen.filter((m) => m.type === 'progress');
  assert.ok(progress.length > 0, JSON.stringify(seen));
  const last = progress.at(-1)!;
  assert.equal(last.done, true);
  assert.equal(last.count, last.total, JSON.stringify(last));
  for (const p of progress) {
    assert.equal(typeof p.label, 'string');
    assert.ok(p.seconds >= 0 && p.count >= 0, JSON.stringify(p));
  }
});

test('a failing job posts its error in wire form, a TgrError keeping its code', async () => {
  const seen = await messages({ kind: 'train', options: { backbone: 'resnet7', dataset: 'synthetic' } });
  assert.equal(seen.length, 1);
  const m = seen[0]!;
  assert.equal(m.type, 'error');
  if (m.type !== 'error') return;
  assert.equal(m.error.name, 'TgrError');
  assert.equal(m.error.code, 'unknown_name');
  assert.match(m.error.message, /^unknown backbone \(--backbone\) 'resnet7'; choose one of: /);
});
