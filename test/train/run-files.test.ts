import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../src/engine/session.js';
import { loadModel } from '../../src/onnx/proto-io.js';
import { runTrainer } from '../../src/train/trainer.js';
import { writeRunFiles, type TrainMeta } from '../../src/train/run-files.js';
import { MetricSum } from '../../src/train/metrics.js';
import { toyTraining } from './toy-graph.js';
import { synthetic } from './synthetic.js';
import { readRunFile } from '../../src/run-folder/run-file.js';

test('model.onnx is the eval graph with the trained weights and reproduces the evaluation in a fresh session', async () => {
  const shape: [number, number, number] = [1, 4, 4];
  const toy = toyTraining(shape, 4);
  const dir = mkdtempSync(join(tmpdir(), 'tgr-run-'));
  const testSet = synthetic(96, 4, shape, 'test', 32, 7, 2);
  const r = await runTrainer({
    ...toy,
    train: synthetic(256, 4, shape, 'train', 32, 7, 2),
    test: testSet,
    epochs: 2,
    batchSize: 32,
    lr: 0.05,
    schedule: { name: 'constant' },
    seed: 1,
    outDir: dir,
    quiet: true,
    threads: 1,
  });
  const meta = { dataset: 'synthetic', classNames: ['a', 'b', 'c', 'd'], accuracy: r.final.accuracy } as TrainMeta;
  writeRunFiles(dir, toy.evalModel, r.weights, meta);

  const saved = loadModel(join(dir, 'model.onnx'));
  assert.deepEqual(
    saved.graph.inputs.map((v) => v.name),
    ['input'],
  );
  assert.deepEqual(
    saved.graph.outputs.map((v) => v.name),
    ['logits'],
  );
  assert.deepEqual(saved.graph.initializers.get('fc.weight')!.data, r.weights['fc.weight']!.data);
  assert.deepEqual(saved.graph.initializers.get('fc.mu')!.data, r.weights['fc.mu']!.data, 'buffers are exported too');
  assert.equal(saved.metadata['tgr.class_names'], '["a","b","c","d"]');

  const s = await Session.create(readFileSync(join(dir, 'model.onnx')), { threads: 1 });
  const m = new MetricSum();
  for await (const b of testSet.epoch(0))
    m.add(
      (await s.run({ input: { dtype: 'float32', dims: b.dims, data: b.x } })).logits!.data as Float32Array,
      b.labels,
    );
  await s.release();
  // Not a trivially perfect or chance model, so agreement means something.
  assert.ok(r.final.accuracy > 0.4 && r.final.accuracy < 1, `accuracy ${r.final.accuracy}`);
  assert.equal(m.result().accuracy, r.final.accuracy);
  assert.equal(m.result().loss, r.final.loss);
  assert.deepEqual(readRunFile('meta', join(dir, 'meta.json')), meta);
});
