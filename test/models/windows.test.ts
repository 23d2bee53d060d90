import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { Session } from '../../src/engine/session.js';
import { f32 } from '../../src/onnx/tensor.js';
import {
  padToWindows,
  relativePositionIndex,
  roll,
  shiftedWindowMask,
  windowPartition,
  windowReverse,
} from '../../src/models/windows.js';

// Expected values printed by torchvision 0.14 / torch 1.13 (ShiftedWindowAttention's buffer, the mask code of
// shifted_window_attention for a padded 4×4 map, torch.roll).
test("relative_position_index of a 2×2 window is torchvision's", () => {
  assert.deepEqual(relativePositionIndex([2, 2]), [4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4]);
});

test("shifted-window mask of a 4×4 map, window 2, shift 1, is torchvision's", () => {
  const z = [0, 0, 0, 0];
  const want = [
    ...[z, z, z, z].flat(),
    ...[0, -100, 0, -100, -100, 0, -100, 0, 0, -100, 0, -100, -100, 0, -100, 0],
    ...[0, 0, -100, -100, 0, 0, -100, -100, -100, -100, 0, 0, -100, -100, 0, 0],
    ...[0, -100, -100, -100, -100, 0, -100, -100, -100, -100, 0, -100, -100, -100, -100, 0],
  ];
  assert.deepEqual([...shiftedWindowMask(4, 4, [2, 2], [1, 1])], want);
});

test('roll by Slice + Concat equals torch.roll(shifts=(-1, 2), dims=(1, 2)); partition then reverse is the identity', async () => {
  const b = new GraphBuilder('windows');
  const x = b.input('x', 'float32', ['N', 3, 4, 1]);
  b.output(roll(b, roll(b, x, -1, 1, 'h'), 2, 2, 'w'), 'rolled');
  const padded = padToWindows(b, x, [2, 2], 'pad');
  assert.deepEqual(b.shape(padded), ['N', 4, 4, 1]);
  const windows = windowPartition(b, padded, [2, 2], 'part');
  assert.deepEqual(b.shape(windows), ['N', 4, 4, 1]);
  b.output(windowReverse(b, windows, [2, 2], 4, 4, 'rev'), 'back');
  b.output(windows, 'windows');
  const s = await Session.create(b.finishModel());
  const input = f32(
    [2, 3, 4, 1],
    Array.from({ length: 24 }, (_, i) => i),
  );
  const out = await s.run({ x: input });
  await s.release();
  const ints = (name: string) => [...(out[name]!.data as Float32Array)];
  assert.deepEqual(
    ints('rolled'),
    [6, 7, 4, 5, 10, 11, 8, 9, 2, 3, 0, 1, 18, 19, 16, 17, 22, 23, 20, 21, 14, 15, 12, 13],
  );
  // Image 0 padded to 4×4 (row 3 zeros): window (0, 0) holds rows 0–1 × cols 0–1, window (1, 1) rows 2–3 × cols 2–3.
  assert.deepEqual(ints('windows').slice(0, 16), [0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 0, 0, 10, 11, 0, 0]);
  assert.deepEqual(ints('back').slice(0, 16), [...Array(12).keys(), 0, 0, 0, 0]);
});
