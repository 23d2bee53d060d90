import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TgrError } from '../../src/core/errors.js';
import { decodeBatch } from '../../src/data/decode-batch.js';
import { DecodeWorker } from '../../src/data/decode-pool.js';
import type { DecodeTransform } from '../../src/data/image-decode.js';
import { normalizeTable } from '../../src/data/transform.js';
import { tempDir, writeImage } from './fixtures.js';

const transform: DecodeTransform = { kind: 'train', size: 3, scale: [0.5, 1], ratio: [0.75, 4 / 3], flip: true };
const lut = normalizeTable({ mean: [0.5], std: [0.25] }, 3);

test('the worker answers each job with the batch decodeBatch makes, and a failure with the same TgrError', async () => {
  const dir = tempDir('decode-pool');
  const files = [join(dir, 'a.png'), join(dir, 'b.png')];
  for (const [i, f] of files.entries()) await writeImage(f, 5, 4, i, 'png');
  const job = { files, shape: [3, 3, 3] as const, transform, seed: 7, lut };
  const worker = await DecodeWorker.start();
  try {
    const missing = join(dir, 'missing.png');
    // Two jobs in flight at once: each reply goes to its own request.
    const [x, y, bad] = await Promise.allSettled([
      worker.run(job),
      worker.run({ ...job, seed: 8 }),
      worker.run({ ...job, files: [missing] }),
    ]);
    assert.deepEqual(x.status === 'fulfilled' && [...x.value], [...(await decodeBatch(job))]);
    assert.deepEqual(y.status === 'fulfilled' && [...y.value], [...(await decodeBatch({ ...job, seed: 8 }))]);
    assert.equal(bad.status, 'rejected');
    const e = (bad as PromiseRejectedResult).reason;
    assert.ok(e instanceof TgrError && e.code === 'bad_file', String(e));
    assert.ok(e.message.startsWith(`${missing}: cannot decode image (`), e.message);
  } finally {
    await worker.close();
  }
  await assert.rejects(worker.run(job), /decode worker closed/);
});
