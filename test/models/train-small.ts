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

const training = (m: Model) =>
  buildTrainingGraph(
    m,
    { labelSmoothing: 0, optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05 } },
    { threads: 1 },
  );

/**
 * A reduced backbone trains through the trainer: every parameter of both heads gets a gradient, and with the linear
 * head a few epochs of AdamW (3 at lr 2e-3 unless given) on a learnable 4-class synthetic task cut the loss by a fifth and reach 90% accuracy. The
 * learning run uses the linear head: the text-guided one starts from random class rows at logit scale 14.3 and spends
 * a few steps calibrating, which says nothing about the backbone.
 */
export async function assertTrainsSmall(
  build: (spec: Omit<ModelSpec, 'backbone'>) => Model,
  shape: [number, number, number],
  { lr = 2e-3, epochs = 3 }: { lr?: number; epochs?: number } = {},
): Promise<number[]> {
  const spec = (head: ModelSpec['head'], mode: 'train' | 'eval') => ({
    head,
    inputShape: shape,
    numClasses: 4,
    embedDim: 8,
    mode,
  });
  const guided = build(spec('text-guided', 'train'));
  const names = (ps: { name: string }[]) => ps.map((p) => p.name).sort();
  assert.deepEqual(names(training(guided).params), parameterNames(guided.graph).sort());
  const forward = build(spec('linear', 'train'));
  const graph = training(forward);
  assert.deepEqual(names(graph.params), parameterNames(forward.graph).sort());
  const dir = mkdtempSync(join(tmpdir(), 'tgr-train-small-'));
  try {
    const r = await runTrainer({
      graph,
      forward,
      evalModel: build(spec('linear', 'eval')),
      train: synthetic(96, 4, shape, 'train', 16, 7, 0.5),
      test: synthetic(32, 4, shape, 'test', 16, 7, 0.5),
      epochs,
      batchSize: 16,
      lr,
      schedule: { name: 'constant', warmupEpochs: 0 },
      seed: 1,
      outDir: dir,
      quiet: true,
      threads: 1,
      stepper: 'inline',
    });
    const losses = r.rows.map((row) => row.trainLoss);
    assert.ok(losses.at(-1)! < losses[0]! * 0.8, `losses ${losses}`);
    assert.ok(r.final.accuracy >= 0.9, `accuracy ${r.final.accuracy}`);
    return losses;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
