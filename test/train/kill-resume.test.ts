import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { train, type TrainOptions } from '../../src/train/train.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';

const opts: TrainOptions = {
  backbone: 'resnet20',
  dataset: 'synthetic',
  recipe: 'fashion-quick',
  epochs: 3,
  batchSize: 16,
  limitTrain: 128,
  limitTest: 16,
  seed: 1,
  threads: 1,
  quiet: true,
};
const flags = [
  '--backbone',
  'resnet20',
  '--dataset',
  'synthetic',
  '--recipe',
  'fashion-quick',
  '--epochs',
  '3',
  '--batch-size',
  '16',
  '--limit-train',
  '128',
  '--limit-test',
  '16',
  '--seed',
  '1',
  '--threads',
  '1',
  '--quiet',
];

// 8 steps an epoch: long enough that the poll below sees the first checkpoint before the run ends, even on a loaded machine.
test('tgr train killed (SIGKILL) after its first checkpoint, then --resume, ends with the weights of an unbroken run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tgr-kill-'));
  const whole = join(root, 'whole');
  await train({ ...opts, out: whole });

  const killed = join(root, 'killed');
  const child = spawn(process.execPath, ['bin/tgr.js', 'train', ...flags, '--out', killed], {
    env: { ...process.env, TGR_FROM_SOURCE: '1' },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  while (!existsSync(join(killed, 'checkpoint.safetensors')) && child.exitCode === null) await sleep(20);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', 'the run was still going when killed');
  const done = loadCheckpoint(join(killed, 'checkpoint.safetensors')).epoch;
  assert.ok(done < 3, `killed after epoch ${done} of 3`);

  const r = await train({ ...opts, out: killed, resume: true });
  assert.equal(r.epochs.length, 3);
  const a = loadCheckpoint(join(whole, 'checkpoint.safetensors')).tensors;
  const b = loadCheckpoint(join(killed, 'checkpoint.safetensors')).tensors;
  assert.deepEqual([...b.keys()], [...a.keys()]);
  for (const [k, t] of a)
    assert.ok(Buffer.from(t.data.buffer).equals(Buffer.from(b.get(k)!.data.buffer)), `${k} differs`);
  assert.ok(
    readFileSync(join(killed, 'model.onnx')).equals(readFileSync(join(whole, 'model.onnx'))),
    'model.onnx is byte-identical',
  );
});
