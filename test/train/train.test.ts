import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../src/engine/session.js';
import { loadModel } from '../../src/onnx/proto-io.js';
import { openDataset } from '../../src/data/registry.js';
import { Rng } from '../../src/core/rng.js';
import { train } from '../../src/train/train.js';
import { datasetSources } from '../../src/train/data-sources.js';
import { MetricSum } from '../../src/train/metrics.js';
import type { TrainMeta } from '../../src/train/run-files.js';
import { writeClassEmbeddings } from '../../src/text/report.js';
import { readRunFile } from '../../src/run-folder/run-file.js';

test('train(): a text-guided ResNet-20 on synthetic data leaves a run folder whose model.onnx reproduces the evaluation', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-train-'));
  const rng = new Rng(1);
  // As `tgr embed` leaves it: the matrix and a report beside it naming encoder and descriptions.
  const emb = join(dir, 'classes.npy');
  const classNames = (await openDataset('synthetic')).classNames;
  writeClassEmbeddings(emb, {
    matrix: Float32Array.from({ length: 32 }, () => rng.normal()),
    classes: 4,
    dim: 8,
    meta: {
      classNames,
      encoder: 'glove:test',
      source: 'template',
      descriptionsHash: 'd'.repeat(64),
      rawNorms: [1, 1],
      cached: false,
    },
  });
  const out = join(dir, 'run');
  const r = await train({
    backbone: 'resnet20',
    head: 'text-guided',
    dataset: 'synthetic',
    recipe: 'fashion-quick',
    epochs: 1,
    batchSize: 16,
    classEmbeddings: emb,
    out,
    limitTrain: 64,
    limitTest: 32,
    seed: 2,
    threads: 1,
    quiet: true,
  });
  assert.equal(r.runDir, out);
  for (const f of ['model.onnx', 'meta.json', 'train.jsonl', 'checkpoint.safetensors'])
    assert.ok(existsSync(join(out, f)), f);
  const meta = readRunFile('meta', join(out, 'meta.json')) as TrainMeta;
  assert.deepEqual(
    [
      meta.dataset,
      meta.backbone,
      meta.head,
      meta.embedDim,
      meta.recipe,
      meta.seed,
      meta.epochs,
      meta.trainImages,
      meta.testImages,
    ],
    ['synthetic', 'resnet20', 'text-guided', 8, 'fashion-quick', 2, 1, 64, 32],
  );
  assert.deepEqual(
    [meta.encoder, meta.descriptions, meta.descriptionsHash],
    ['glove:test', 'template', 'd'.repeat(64)],
  );
  assert.deepEqual(meta.classNames, classNames);
  assert.equal(meta.classEmbeddingsSha256?.length, 64);
  assert.equal(meta.accuracy, r.accuracy);
  assert.ok(meta.params > 200_000 && meta.macs > meta.params, `params ${meta.params}, MACs ${meta.macs}`);

  // The exported graph is the inference form: BN without training_mode, one feed, logits out.
  const m = loadModel(join(out, 'model.onnx'));
  const bns = m.graph.nodes.filter((n) => n.opType === 'BatchNormalization');
  assert.ok(bns.length > 0 && bns.every((n) => !n.attrs.training_mode || n.attrs.training_mode.value === 0));
  assert.deepEqual([m.graph.inputs.map((v) => v.name), m.graph.outputs.map((v) => v.name)], [['input'], ['logits']]);

  const s = await Session.create(readFileSync(join(out, 'model.onnx')), { threads: 1 });
  const data = datasetSources(await openDataset('synthetic', { seed: 2 }), {
    batchSize: 16,
    seed: 2,
    augment: false,
    limitTest: 32,
  });
  const metrics = new MetricSum();
  for await (const b of data.test.epoch(0))
    metrics.add(
      (await s.run({ input: { dtype: 'float32', dims: b.dims, data: b.x } })).logits!.data as Float32Array,
      b.labels,
    );
  await Promise.all([s.release(), data.close()]);
  assert.equal(metrics.result().accuracy, r.accuracy);
  assert.equal(metrics.result().loss, r.loss);
});
