import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, type Attr, type Node } from '../../src/onnx/types.js';
import { TgrError } from '../../src/core/errors.js';
import { transposedPads, windowOf } from '../../src/autodiff/window.js';

const pool = (attrs: Record<string, Attr>): Node => ({
  name: 'p',
  opType: 'MaxPool',
  inputs: ['x'],
  outputs: ['y'],
  attrs,
});

test('explicit attributes are read; strides, dilations and pads default to 1, 1 and 0', () => {
  const n = pool({ kernel_shape: attr.ints([3, 2]), strides: attr.ints([2, 1]), pads: attr.ints([1, 0, 1, 0]) });
  assert.deepEqual(windowOf(n, [8, 5], [4, 4], []), {
    in: [8, 5],
    out: [4, 4],
    k: [3, 2],
    s: [2, 1],
    d: [1, 1],
    p: [1, 0, 1, 0],
  });
  // A Conv's kernel comes from its weight when the node does not say.
  assert.deepEqual(windowOf({ ...n, opType: 'Conv', attrs: {} }, [6], [4], [3]), {
    in: [6],
    out: [4],
    k: [3],
    s: [1],
    d: [1],
    p: [0, 0],
  });
});

test('auto_pad resolves to explicit pads: SAME_UPPER puts the odd one at the end, SAME_LOWER at the start, VALID none', () => {
  const same = (mode: string) =>
    windowOf(
      pool({
        kernel_shape: attr.ints([4]),
        strides: attr.ints([2]),
        pads: attr.ints([9, 9]),
        auto_pad: attr.string(mode),
      }),
      [7],
      [4],
      [],
    ).p;
  // Total padding (4 − 1)·2 + 4 − 7 = 3.
  assert.deepEqual(same('SAME_UPPER'), [1, 2]);
  assert.deepEqual(same('SAME_LOWER'), [2, 1]);
  assert.deepEqual(same('VALID'), [0, 0]);
  assert.deepEqual(same('NOTSET'), [9, 9]);
  // Dilation widens the window: (3 − 1)·1 + (3 − 1)·2 + 1 − 5 = 2.
  const dilated = pool({
    kernel_shape: attr.ints([3]),
    dilations: attr.ints([2]),
    auto_pad: attr.string('SAME_UPPER'),
  });
  assert.deepEqual(windowOf(dilated, [5], [3], []).p, [1, 1]);
});

test('an unknown auto_pad is refused naming the node', () => {
  assert.throws(
    () => windowOf(pool({ kernel_shape: attr.ints([2]), auto_pad: attr.string('SAME_MIDDLE') }), [4], [3], []),
    (e) =>
      e instanceof TgrError &&
      e.code === 'missing_grad_rule' &&
      e.message === "node 'p' (MaxPool): auto_pad 'SAME_MIDDLE' has no gradient rule",
  );
});

test('transposedPads: begin pads kept; the end pad covers a window hanging over, output_padding rows no window reached', () => {
  // 3×3 stride 2 on 7 with pads 1/1: 4 outputs reach 2·3 + 3 − 1 = 8 = 7 + 1, the end pad.
  assert.deepEqual(transposedPads({ in: [7], out: [4], k: [3], s: [2], d: [1], p: [1, 1] }), {
    pads: [1, 1],
    outputPadding: [0],
  });
  // 2×2 stride 2 on 5, no pads: 2 outputs reach 4, one row untouched.
  assert.deepEqual(transposedPads({ in: [5], out: [2], k: [2], s: [2], d: [1], p: [0, 0] }), {
    pads: [0, 0],
    outputPadding: [1],
  });
  // ceil_mode: 3 outputs of 2×2 stride 2 on 5 reach 6, one past the end.
  assert.deepEqual(transposedPads({ in: [5, 4], out: [3, 2], k: [2, 2], s: [2, 2], d: [1, 1], p: [0, 0, 0, 0] }), {
    pads: [0, 0, 1, 0],
    outputPadding: [0, 0],
  });
});
