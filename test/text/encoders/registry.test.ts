import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../../src/core/errors.js';
import { createEncoder, encoders } from '../../../src/text/encoders/registry.js';

const ctx = { cacheDir: '/nonexistent', quiet: true };

test('each encoder is filed under its own name', () => {
  assert.deepEqual(Object.keys(encoders), ['clip', 'glove', 'precomputed', 'random']);
  for (const [key, e] of Object.entries(encoders)) assert.equal(e.name, key);
});

test('createEncoder builds the named encoder from the shared option bag, each reading its own fields', async () => {
  const e = await createEncoder('random', { seed: 3, dim: 4, file: 'ignored.npy' }, ctx);
  assert.deepEqual([e.kind, e.id, e.dim], ['classes', 'random:seed=3:dim=4', 4]);
});

test('an unknown encoder lists the encoders; a bad option is the encoder’s own one-line error', async () => {
  await assert.rejects(
    createEncoder('bert', {}, ctx),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'unknown_name' &&
      e.message === "unknown text encoder 'bert'; choose one of: clip, glove, precomputed, random",
  );
  await assert.rejects(createEncoder('random', { dim: -1 }, ctx), {
    message: '--dim must be a positive integer, got -1',
  });
});
