import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { train, type TrainOptions } from '../../src/train/train.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.js';

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

const tensorsOf = (dir: string) => loadCheckpoint(join(dir, 'checkpoint.safetensors')).tensors;
const root = mkdtempSync(join(tmpdir(), 'tgr-kill-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
let wholeRun: Promise<string> | undefined;
/** The unbroken run both kill tests compare with, trained once. */
const whole = () => (wholeRun ??= train({ ...opts, out: join(root, 'whole') }).then((r) => r.runDir));

// 8 steps an epoch: long enough that the poll below sees its file before the run ends, even on a loaded machine.
// The epoch-0 checkpoint (the starting weights) appears before epoch 1 runs; train.jsonl after epoch 1's checkpoint.
for (const [when, file] of [
  ['during epoch 1', 'checkpoint.safetensors'],
  ['after its first epoch', 'train.jsonl'],
] as const) {
  test(`tgr train killed (SIGKILL) ${when}, then --resume, ends with the weights of an unbroken run and the time of both`, async () => {
    const killed = join(root, file);
    const child = spawn(process.execPath, ['bin/tgr.js', 'train', ...flags, '--out', killed], {
      env: { ...process.env, TGR_FROM_SOURCE: '1' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    while (!existsSync(join(killed, file)) && child.exitCode === null) await sleep(20);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL', 'the run was still going when killed');
    const path = join(killed, 'checkpoint.safetensors');
    const ck = loadCheckpoint(path);
    assert.ok(ck.epoch < 3, `killed after epoch ${ck.epoch} of 3`);
    // As if the killed segment had run an hour longer: meta.json's minutes must include it.
    saveCheckpoint(path, { ...ck, seconds: ck.seconds! + 3600 });

    const r = await train({ ...opts, out: killed, resume: true });
    const wholeDir = await whole();
    assert.equal(r.epochs.length, 3);
    const a = tensorsOf(wholeDir);
    const b = tensorsOf(killed);
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [k, t] of a)
      assert.ok(Buffer.from(t.data.buffer).equals(Buffer.from(b.get(k)!.data.buffer)), `${k} differs`);
    assert.ok(
      readFileSync(join(killed, 'model.onnx')).equals(readFileSync(join(wholeDir, 'model.onnx'))),
      'model.onnx is byte-identical',
    );
    assert.ok(r.minutes >= 60 + ck.seconds! / 60, `${r.minutes} minutes`);
    assert.equal(JSON.parse(readFileSync(join(killed, 'meta.json'), 'utf8')).minutes, r.minutes);
  });
}
