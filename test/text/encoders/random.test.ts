import { test } from 'node:test';
import assert from 'node:assert/strict';
import { random } from '../../../src/text/encoders/random.js';
import { rowNorms } from '../../../src/text/matrix.js';

const ctx = { cacheDir: '/nonexistent', quiet: true };

test('random: unit rows, one seeded stream per class name, so a row does not depend on order or company', async () => {
  const e = await random.create({ seed: 7, dim: 5 }, ctx);
  assert.deepEqual([e.kind, e.id, e.dim], ['classes', 'random:seed=7:dim=5', 5]);
  if (e.kind !== 'classes') return;
  const ab = await e.embedClasses(['a', 'b']);
  const cba = await e.embedClasses(['c', 'b', 'a']);
  assert.deepEqual([ab.rows, ab.cols, cba.rows], [2, 5, 3]);
  for (const n of rowNorms(cba)) assert.ok(Math.abs(n - 1) < 1e-6, `norm ${n}`);
  assert.deepEqual([...ab.data.subarray(0, 5)], [...cba.data.subarray(10, 15)]);
  assert.deepEqual([...ab.data.subarray(5, 10)], [...cba.data.subarray(5, 10)]);
  const other = await random.create({ seed: 8, dim: 5 }, ctx);
  if (other.kind !== 'classes') return;
  assert.notDeepEqual([...(await other.embedClasses(['a'])).data], [...ab.data.subarray(0, 5)]);
});

test('random: defaults seed 0 and E 512; a bad --dim is one line', async () => {
  const e = await random.create({}, ctx);
  assert.deepEqual([e.id, e.dim], ['random:seed=0:dim=512', 512]);
  await assert.rejects(random.create({ dim: 0 }, ctx), { message: '--dim must be a positive integer, got 0' });
});
