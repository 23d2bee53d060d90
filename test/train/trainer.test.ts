import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TensorData } from '../../src/onnx/types.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.js';
import { runTrainer, type TrainerConfig } from '../../src/train/trainer.js';
import { initialCarried } from '../../src/train/weights.js';
import { toyTraining } from './toy-graph.js';
import { synthetic } from './synthetic.js';

const shape: [number, number, number] = [1, 4, 4];
function config(over: Partial<TrainerConfig> = {}): TrainerConfig {
  const toy = toyTraining(shape, 4);
  return {
    ...toy,
    train: synthetic(256, 4, shape, 'train', 32),
    test: synthetic(128, 4, shape, 'test', 32),
    epochs: 3,
    batchSize: 32,
    lr: 0.05,
    schedule: { name: 'cosine', warmupEpochs: 1 },
    seed: 3,
    outDir: mkdtempSync(join(tmpdir(), 'tgr-trainer-')),
    quiet: true,
    threads: 1,
    ...over,
  };
}

test('training loss decreases and test accuracy rises on a learnable synthetic task', async () => {
  const cfg = config();
  const r = await runTrainer(cfg);
  assert.equal(r.rows.length, 3);
  assert.ok(r.rows[2]!.trainLoss < r.rows[0]!.trainLoss * 0.8, `loss ${r.rows.map((x) => x.trainLoss)}`);
  assert.ok(r.final.accuracy > 0.9, `accuracy ${r.final.accuracy}`);
  const lines = readFileSync(join(cfg.outDir, 'train.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(JSON.parse(lines[2]!).testAccuracy, r.final.accuracy);
});

/** A source that aborts the run after `after` batches, as a kill mid-epoch would stop it. */
function abortingAfter(src: TrainerConfig['train'], after: number, ctl: AbortController): TrainerConfig['train'] {
  let n = 0;
  return {
    ...src,
    async *epoch(e) {
      for await (const b of src.epoch(e)) {
        if (++n > after) ctl.abort(new Error('killed'));
        yield b;
      }
    },
  };
}

/** Each tensor's raw bytes, so equality is bit for bit. */
const bytes = (w: Record<string, TensorData> | Map<string, TensorData>) =>
  Object.fromEntries(
    [...(w instanceof Map ? w : Object.entries(w))].map(([k, v]) => [
      k,
      Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength).toString('base64'),
    ]),
  );

for (const dropout of [0, 0.3]) {
  test(`a run stopped mid-epoch and resumed ends with bit-identical weights to an uninterrupted run${dropout ? ' (with Dropout)' : ''}`, async () => {
    const graph = () => toyTraining(shape, 4, { dropout });
    const whole = await runTrainer(config({ epochs: 2, ...graph() }));
    const ctl = new AbortController();
    const first = config({ epochs: 2, signal: ctl.signal, ...graph() });
    // 8 batches per epoch: stop three steps into epoch 2, after epoch 1's checkpoint.
    await assert.rejects(runTrainer({ ...first, train: abortingAfter(first.train, 11, ctl) }), /killed/);
    const ran: number[] = [];
    const resumed = await runTrainer({
      ...config({ epochs: 2, ...graph() }),
      outDir: first.outDir,
      resume: true,
      onEpoch: (r) => ran.push(r.epoch),
    });
    assert.deepEqual(ran, [2], 'the resumed run starts from the checkpoint, not from scratch');
    assert.deepEqual(bytes(resumed.weights), bytes(whole.weights));
    assert.deepEqual(
      resumed.rows.map((r) => r.testAccuracy),
      whole.rows.map((r) => r.testAccuracy),
    );
    assert.equal(readFileSync(join(first.outDir, 'train.jsonl'), 'utf8').trim().split('\n').length, 2);
    if (dropout) {
      // The masks really vary: another seed gives other weights.
      const other = await runTrainer(config({ epochs: 2, ...graph(), seed: 4 }));
      assert.notDeepEqual(bytes(other.weights), bytes(whole.weights));
    }
  });
}

test('a run stopped during epoch 1 resumes from the epoch-0 checkpoint (the starting weights) and restarts the epoch', async () => {
  const whole = await runTrainer(config({ epochs: 2 }));
  const ctl = new AbortController();
  const first = config({ epochs: 2, signal: ctl.signal });
  await assert.rejects(runTrainer({ ...first, train: abortingAfter(first.train, 3, ctl) }), /killed/);
  const ck = loadCheckpoint(join(first.outDir, 'checkpoint.safetensors'));
  assert.deepEqual([ck.epoch, ck.iteration], [0, 0]);
  assert.deepEqual(bytes(ck.tensors), bytes(initialCarried(first.graph, first.forward)));
  assert.ok(!existsSync(join(first.outDir, 'train.jsonl')));
  const ran: number[] = [];
  const resumed = await runTrainer({
    ...config({ epochs: 2 }),
    outDir: first.outDir,
    resume: true,
    onEpoch: (r) => ran.push(r.epoch),
  });
  assert.deepEqual(ran, [1, 2]);
  assert.deepEqual(bytes(resumed.weights), bytes(whole.weights));
  assert.equal(readFileSync(join(first.outDir, 'train.jsonl'), 'utf8').trim().split('\n').length, 2);
});

test('checkpoints carry the run time of earlier segments forward; a fresh run starts at 0', async () => {
  const ctl = new AbortController();
  const first = config({ epochs: 2, signal: ctl.signal });
  await assert.rejects(runTrainer({ ...first, train: abortingAfter(first.train, 9, ctl) }), /killed/);
  const path = join(first.outDir, 'checkpoint.safetensors');
  const ck = loadCheckpoint(path);
  assert.equal(ck.epoch, 1);
  assert.ok(ck.seconds! >= 0 && ck.seconds! < 3600, `${ck.seconds}`);
  // As if the first segment had taken an hour: the resumed run reports it and its checkpoint adds to it.
  saveCheckpoint(path, { ...ck, seconds: 3600 });
  const resumed = await runTrainer({ ...config({ epochs: 2 }), outDir: first.outDir, resume: true });
  assert.equal(resumed.priorSeconds, 3600);
  const last = loadCheckpoint(path);
  assert.equal(last.epoch, 2);
  assert.ok(last.seconds! >= 3600 && last.seconds! < 7200, `${last.seconds}`);
  assert.equal((await runTrainer(config({ epochs: 1 }))).priorSeconds, 0);
});

test('the worker and the inline stepper give the same weights (so the worker path really ran the same steps)', async () => {
  const a = await runTrainer(config({ epochs: 1, stepper: 'worker' }));
  const b = await runTrainer(config({ epochs: 1, stepper: 'inline' }));
  assert.deepEqual(bytes(a.weights), bytes(b.weights));
  const start = bytes(toyTraining(shape, 4).forward.graph.initializers);
  assert.notEqual(bytes(a.weights)['fc.weight'], start['fc.weight']);
});

test('resuming a run whose last epoch is checkpointed trains nothing and returns the checkpointed weights', async () => {
  const cfg = config({ epochs: 2 });
  const done = await runTrainer(cfg);
  const again = await runTrainer({
    ...config({ epochs: 2 }),
    outDir: cfg.outDir,
    resume: true,
    onEpoch: () => assert.fail('no epoch should run'),
  });
  assert.deepEqual(bytes(again.weights), bytes(done.weights));
  assert.deepEqual(again.final, done.final);
});

test('--resume with different settings names what changed; without a checkpoint it says so', async () => {
  const cfg = config({ epochs: 1 });
  await runTrainer(cfg);
  await assert.rejects(
    runTrainer({ ...cfg, lr: 0.1, resume: true }),
    /checkpoint\.safetensors: checkpoint is of a different run \(lr 0\.05 → 0\.1\); resume with the same settings/,
  );
  await assert.rejects(
    runTrainer({ ...config(), resume: true }),
    /checkpoint\.safetensors: no checkpoint to resume from; run without --resume/,
  );
});
