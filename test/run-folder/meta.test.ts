import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metaSchema, trainMetaSchema } from '../../src/run-folder/meta.js';
import { meta } from './samples.js';

test('meta schema: tgr train writes every field; readers take a partial file and keep fields they do not know', () => {
  assert.deepEqual(trainMetaSchema.parse(meta), meta);
  const old = { dataset: 'cifar10', head: 'linear', accuracy: 0.9, notes: 'hand-made' };
  assert.deepEqual(metaSchema.parse(old), old);
  assert.equal(trainMetaSchema.safeParse(old).success, false);
});

test('meta schema: a field of the wrong type is refused even in a partial file', () => {
  const r = metaSchema.safeParse({ dataset: 'cifar10', inputShape: [3, 32] });
  assert.equal(r.success, false);
  assert.deepEqual(
    r.error!.issues.map((i) => i.path.join('.')),
    ['inputShape'],
  );
});
