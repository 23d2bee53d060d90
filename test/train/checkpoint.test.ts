import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_FORMAT, loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.js';
import { encodeSafetensors } from '../../src/core/safetensors.js';
import { f32 } from '../../src/onnx/tensor.js';

test('a checkpoint round-trips tensors and run position, and is a safetensors file', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tgr-ck-')), 'checkpoint.safetensors');
  const tensors = new Map([
    ['conv.weight', f32([2, 1, 1, 3], [1, 2, 3, 4, 5, -6.5])],
    ['s', f32([], [Math.PI])],
  ]);
  saveCheckpoint(path, { epoch: 3, iteration: 300, seed: 9, fingerprint: '{"a":1}', seconds: 61.25, tensors });
  const ck = loadCheckpoint(path);
  assert.deepEqual([ck.epoch, ck.iteration, ck.seed, ck.fingerprint, ck.seconds], [3, 300, 9, '{"a":1}', 61.25]);
  assert.deepEqual([...ck.tensors.keys()], ['conv.weight', 's']);
  assert.deepEqual(ck.tensors.get('conv.weight'), tensors.get('conv.weight'));
  assert.deepEqual(ck.tensors.get('s')!.data, Float32Array.of(Math.PI));
  const bytes = readFileSync(path);
  const headLen = Number(bytes.readBigUInt64LE(0));
  assert.equal(headLen % 8, 0);
  assert.deepEqual(JSON.parse(bytes.subarray(8, 8 + headLen).toString()).s, {
    dtype: 'F32',
    shape: [],
    data_offsets: [24, 28],
  });
});

test('a truncated checkpoint gives a one-line error naming the file and the fix', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tgr-ck-')), 'checkpoint.safetensors');
  saveCheckpoint(path, {
    epoch: 1,
    iteration: 1,
    seed: 1,
    fingerprint: '',
    tensors: new Map([['w', f32([4], [1, 2, 3, 4])]]),
  });
  writeFileSync(path, readFileSync(path).subarray(0, -4));
  assert.throws(
    () => loadCheckpoint(path),
    new RegExp(
      `^TgrError: ${path}: tensor 'w' \\(F32 \\[4\\]\\) does not fit the file; it is truncated — delete it and run without --resume$`,
    ),
  );
});

test('a checkpoint from before the run time was kept reads as 0 seconds', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tgr-ck-')), 'checkpoint.safetensors');
  const meta = { format: CHECKPOINT_FORMAT, epoch: '2', iteration: '20', seed: '1', fingerprint: '' };
  writeFileSync(path, encodeSafetensors(new Map([['w', f32([1], [5])]]), meta));
  const ck = loadCheckpoint(path);
  assert.deepEqual([ck.epoch, ck.seconds], [2, 0]);
});
