import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { tensorSource, type Batch, type BatchSource } from '../../src/train/batches.js';

/** 5 images of shape [1, 1, 2]: image i holds (10i, 10i + 1), label i. */
const images = Float32Array.from({ length: 10 }, (_, k) => 10 * Math.floor(k / 2) + (k % 2));
const labels = Int32Array.of(0, 1, 2, 3, 4);

async function collect(src: BatchSource, e: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of src.epoch(e)) out.push(b);
  return out;
}

test('unshuffled batches keep the stored order; the last short batch is kept unless dropLast', async () => {
  const src = tensorSource(images, labels, [1, 1, 2], { batchSize: 2 });
  assert.deepEqual([src.size, src.batchesPerEpoch], [5, 3]);
  const batches = await collect(src, 0);
  assert.deepEqual(
    batches.map((b) => [Array.from(b.labels), b.dims, Array.from(b.x)]),
    [
      [
        [0, 1],
        [2, 1, 1, 2],
        [0, 1, 10, 11],
      ],
      [
        [2, 3],
        [2, 1, 1, 2],
        [20, 21, 30, 31],
      ],
      [[4], [1, 1, 1, 2], [40, 41]],
    ],
  );
  const dropped = tensorSource(images, labels, [1, 1, 2], { batchSize: 2, dropLast: true });
  assert.equal(dropped.batchesPerEpoch, 2);
  assert.deepEqual(
    (await collect(dropped, 0)).map((b) => Array.from(b.labels)),
    [
      [0, 1],
      [2, 3],
    ],
  );
});

test('a shuffled epoch is the permutation Rng(order/SEED/EPOCH) draws, images kept with their labels', async () => {
  const src = tensorSource(images, labels, [1, 1, 2], { batchSize: 5, shuffle: true, seed: 7 });
  for (const e of [0, 1]) {
    const [b] = await collect(src, e);
    const want = Array.from(new Rng(`order/7/${e}`).shuffle(Int32Array.from([0, 1, 2, 3, 4])) as Int32Array);
    assert.deepEqual(Array.from(b!.labels), want);
    assert.deepEqual(
      Array.from(b!.x),
      want.flatMap((i) => [10 * i, 10 * i + 1]),
    );
  }
  // Any epoch replays alone: epoch 1 read first is what it is after epoch 0.
  const again = tensorSource(images, labels, [1, 1, 2], { batchSize: 5, shuffle: true, seed: 7 });
  assert.deepEqual((await collect(again, 1))[0]!.labels, (await collect(src, 1))[0]!.labels);
});

test('images that do not fill the given shape are an internal error naming the counts', () => {
  assert.throws(
    () => tensorSource(images, labels, [1, 2, 2], { batchSize: 2 }),
    /tensorSource: 10 values for 5 images of \[1,2,2\]/,
  );
});
