import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TgrError } from '../../src/core/errors.js';
import { loadModel, saveModel } from '../../src/onnx/proto-io.js';
import { runStageJob, type ImageSource } from '../../src/pipeline/stage-jobs.js';
import { readRunFile } from '../../src/run-folder/run-file.js';
import { residualNet } from '../faults/nets.js';

/** A run folder holding a tiny classifier of the synthetic dataset's images (1×16×16, 4 classes). */
function runFolder(): { runDir: string; model: string } {
  const runDir = mkdtempSync(join(tmpdir(), 'tgr-stage-jobs-'));
  const model = join(runDir, 'model.onnx');
  saveModel(residualNet({ classes: 4, size: 16, channels: 1 }), model);
  return { runDir, model };
}
const images: ImageSource = { dataset: 'synthetic', seed: 0, split: 'test' };

test('an inject job reopens its images by name and runs the campaign into the run folder', async () => {
  const { runDir, model } = runFolder();
  await runStageJob({
    kind: 'inject',
    options: { model, runDir, limit: 8, perLayer: 2, seed: 1, quiet: true, threads: 1 },
    images,
  });
  const summary = readRunFile('summary', join(runDir, 'campaign', 'fp32', 'summary.json'));
  assert.equal(summary.perLayer, 2);
  assert.ok(summary.layers.length > 0 && summary.layers.every((l) => l.n === 2));
  assert.ok(existsSync(join(runDir, 'golden.json')));
});

test('an emulate job makes the fp32 golden run when missing, then writes the model emulated in the format', async () => {
  const { runDir, model } = runFolder();
  const out = join(runDir, 'formats', 'bf16', 'model.onnx');
  await runStageJob({
    kind: 'emulate',
    options: { model, runDir, format: 'bf16', out, limit: 8, quiet: true },
    images,
  });
  assert.ok(existsSync(join(runDir, 'golden.json')));
  const plain = loadModel(model).graph.nodes.length;
  assert.ok(loadModel(out).graph.nodes.length > plain, 'rounding to bf16 adds nodes to the graph');
});

test('a train job’s bad options and an unknown dataset are the library’s own TgrErrors', async () => {
  await assert.rejects(
    runStageJob({ kind: 'train', options: { backbone: 'resnet7', dataset: 'synthetic' } }),
    (e: unknown) => e instanceof TgrError && e.code === 'unknown_name' && /^unknown backbone/.test(e.message),
  );
  const { runDir, model } = runFolder();
  await assert.rejects(
    runStageJob({
      kind: 'emulate',
      options: { model, runDir, format: 'bf16', out: join(runDir, 'x.onnx') },
      images: { ...images, dataset: 'nope' },
    }),
    { code: 'unknown_name', message: /^unknown dataset 'nope'; choose one of: / },
  );
});
