import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTrainingGraph } from '../../src/autodiff/training-graph.js';
import { parameterNames } from '../../src/models/count.js';
import { runTrainer } from '../../src/train/trainer.js';
import type { ModelSpec } from '../../src/models/spec.js';
import type { Model } from '../../src/onnx/types.js';
import { synthetic } from '../train/synthetic.js';
import { buildFocalNet } from './focalnet-small.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-focalnet-train-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const training = (m: Model) =>
  buildTrainingGraph(
    m,
    { labelSmoothing: 0, optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05 } },
    { threads: 1 },
  );

test('a reduced FocalNet trains through the trainer: every parameter of both heads trains and the loss falls on a learnable synthetic task', async () => {
  // 32×32: maps 8×8, 4×4, 2×2; focal levels 2, 3, 2 (kernels 3, 5 and 7 on a 4×4 map).
  const shape: [number, number, number] = [3, 32, 32];
  const spec = (head: ModelSpec['head']): Omit<ModelSpec, 'backbone'> => ({
    head,
    inputShape: shape,
    numClasses: 4,
    embedDim: 8,
  });
  const guided = buildFocalNet({ ...spec('text-guided'), mode: 'train' });
  assert.deepEqual(
    training(guided)
      .params.map((p) => p.name)
      .sort(),
    parameterNames(guided.graph).sort(),
  );
  // The learning run uses the linear head: the text-guided one starts from random class rows at logit scale 14.3
  // and spends a few steps calibrating, which says nothing about the backbone.
  const forward = buildFocalNet({ ...spec('linear'), mode: 'train' });
  const graph = training(forward);
  assert.deepEqual(graph.params.map((p) => p.name).sort(), parameterNames(forward.graph).sort());
  const r = await runTrainer({
    graph,
    forward,
    evalModel: buildFocalNet({ ...spec('linear'), mode: 'eval' }),
    train: synthetic(96, 4, shape, 'train', 16, 7, 0.5),
    test: synthetic(32, 4, shape, 'test', 16, 7, 0.5),
    epochs: 3,
    batchSize: 16,
    lr: 2e-3,
    schedule: { name: 'constant', warmupEpochs: 0 },
    seed: 1,
    outDir: dir,
    quiet: true,
    threads: 1,
    stepper: 'inline',
  });
  const losses = r.rows.map((row) => row.trainLoss);
  assert.ok(losses[2]! < losses[0]! * 0.8, `losses ${losses}`);
  assert.ok(r.final.accuracy >= 0.9, `accuracy ${r.final.accuracy}`);
});
