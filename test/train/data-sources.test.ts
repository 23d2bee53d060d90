import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSynthetic } from '../../src/data/synthetic.js';
import type { Dataset, MemorySplit } from '../../src/data/dataset.js';
import { datasetSources, limitSplits } from '../../src/train/data-sources.js';
import { runTrainer } from '../../src/train/trainer.js';
import { toyTraining } from './toy-graph.js';

test('limits spread over the split, so class-sorted folders keep every class', () => {
  const ds = makeSynthetic({ classes: 3, size: 8, trainPerClass: 4, testPerClass: 1 });
  const sorted: MemorySplit = {
    ...(ds.splits.train as MemorySplit),
    labels: Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2),
  };
  const cut = limitSplits({ ...ds, splits: { ...ds.splits, train: sorted } } as Dataset, { train: 3 });
  const s = cut.splits.train as MemorySplit;
  assert.deepEqual([...s.labels], [0, 1, 2]);
  assert.equal(s.size, 3);
  const image = (i: number) => [...sorted.pixels.subarray(i * 64, (i + 1) * 64)];
  assert.deepEqual([...s.pixels], [...image(0), ...image(4), ...image(8)]);
  assert.equal(cut.splits.test, ds.splits.test);
});

test('the data loader feeds the trainer: full training batches only, the whole test split, augmentation replayed on resume', async () => {
  const ds = makeSynthetic({ classes: 4, size: 16, trainPerClass: 40, testPerClass: 10 });
  const run = async (outDir: string, epochs: number, resume = false) => {
    const toy = toyTraining([1, 16, 16], 4);
    // Random crops on, so the resumed epoch must replay the same crops to end bit-identical.
    const data = datasetSources(
      { ...ds, augment: { padCrop: 1, flip: false } },
      { batchSize: 32, seed: 5, augment: true, limitTest: 30 },
    );
    try {
      return await runTrainer({
        ...toy,
        ...data,
        epochs: 2,
        batchSize: 32,
        lr: 0.05,
        schedule: { name: 'cosine' },
        seed: 5,
        outDir,
        quiet: true,
        threads: 1,
        resume,
        ...(epochs < 2
          ? {
              onEpoch: () => {
                throw new Error('stop');
              },
            }
          : {}),
      });
    } finally {
      await data.close();
    }
  };
  const whole = await run(mkdtempSync(join(tmpdir(), 'tgr-ds-')), 2);
  assert.equal(whole.final.images, 30);
  assert.ok(whole.final.accuracy > 0.8, `accuracy ${whole.final.accuracy}`);
  const dir = mkdtempSync(join(tmpdir(), 'tgr-ds-'));
  await assert.rejects(run(dir, 1), /stop/);
  const resumed = await run(dir, 2, true);
  assert.deepEqual(resumed.weights['fc.weight']!.data, whole.weights['fc.weight']!.data);
  assert.deepEqual(resumed.weights['fc.mu']!.data, whole.weights['fc.mu']!.data);
});
