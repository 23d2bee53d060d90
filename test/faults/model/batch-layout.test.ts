import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  batchDim,
  batchLayout,
  isBatchMajor,
  nativeIndex,
  perImageShape,
} from '../../../src/faults/model/batch-layout.js';

test('batchDim reads N, N*c (batch outer) and c*N (batch inner); other dims are not the batch', () => {
  assert.deepEqual(batchDim('N'), { fold: 1, order: 'outer' });
  assert.deepEqual(batchDim('N*12'), { fold: 12, order: 'outer' });
  assert.deepEqual(batchDim('197*N'), { fold: 197, order: 'inner' });
  for (const d of [3, '?t:0', 'N*', 'M', '2*N*3']) assert.equal(batchDim(d), undefined, String(d));
});

test('batchLayout: one batch axis and fixed dims, else the reason in words', () => {
  assert.deepEqual(batchLayout([17, 'N', 96]), { axis: 1, fold: 1, order: 'outer' });
  assert.deepEqual(batchLayout(['17*N', 32]), { axis: 0, fold: 17, order: 'inner' });
  assert.equal(
    batchLayout([10, 4]),
    'its output has no batch axis (it computes on constants only, the same for every image)',
  );
  assert.equal(batchLayout(['N', '?x:1']), 'its shape [N,?x:1] has dims that are not fixed per image');
  assert.equal(batchLayout(['N', 'N']), 'its shape [N,N] carries the batch on 2 axes');
  assert.ok(isBatchMajor({ axis: 0, fold: 1, order: 'outer' }));
  assert.ok(!isBatchMajor({ axis: 0, fold: 2, order: 'outer' }));
  assert.ok(!isBatchMajor({ axis: 1, fold: 1, order: 'outer' }));
});

test('per-image shapes and flat indices of [L,N,E], [L·N,E] and [N·H,L,d] worked by hand', () => {
  // [L=3, N, E=2], batch 4: image 1's element (l=2, e=1) sits at (2·4 + 1)·2 + 1.
  const lne = batchLayout([3, 'N', 2]);
  assert.ok(typeof lne !== 'string');
  assert.deepEqual(perImageShape([3, 'N', 2], lne), [3, 2]);
  assert.equal(nativeIndex([3, 'N', 2], lne, 4, 1, 2 * 2 + 1), 19);
  // [L·N, E] is the same memory as [L, N, E].
  const folded = batchLayout(['3*N', 2]);
  assert.ok(typeof folded !== 'string');
  assert.deepEqual(perImageShape(['3*N', 2], folded), [3, 2]);
  assert.equal(nativeIndex(['3*N', 2], folded, 4, 1, 5), 19);
  // [N·H, L, d] with H=2, L=3, d=2, batch 4: image 3's element (h=1, l=0, d=1) sits at ((3·2 + 1)·3 + 0)·2 + 1.
  const heads = batchLayout(['N*2', 3, 2]);
  assert.ok(typeof heads !== 'string');
  assert.deepEqual(perImageShape(['N*2', 3, 2], heads), [2, 3, 2]);
  assert.equal(nativeIndex(['N*2', 3, 2], heads, 4, 3, 1 * 6 + 0 * 2 + 1), 43);
  // Every (image, element) lands on its own index: the mapping is a bijection onto the tensor.
  for (const [shape, l] of [
    [[3, 'N', 2], lne],
    [['3*N', 2], folded],
    [['N*2', 3, 2], heads],
  ] as const) {
    const seen = new Set<number>();
    for (let n = 0; n < 4; n++) for (let e = 0; e < 12; e++) seen.add(nativeIndex([...shape], l, 4, n, e));
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [...Array(48).keys()],
    );
  }
});
