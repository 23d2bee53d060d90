import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStage, hashOf } from '../../src/pipeline/stage.js';

test('a stage runs once, is skipped while current, and reruns when inputs or outputs change', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-stage-'));
  const out = join(dir, 'out.txt');
  let runs = 0;
  const stage = (inputs: unknown) => ({
    name: 'write',
    inputs,
    outputs: [out],
    run: async () => {
      runs++;
      writeFileSync(out, 'x');
      return runs;
    },
  });
  assert.equal((await runStage(dir, stage({ a: 1 }))).skipped, false);
  assert.equal((await runStage(dir, stage({ a: 1 }))).skipped, true);
  assert.equal((await runStage(dir, stage({ a: 2 }))).skipped, false);
  rmSync(out);
  assert.equal((await runStage(dir, stage({ a: 2 }))).skipped, false);
  assert.equal(runs, 3);
});

test('an interrupted stage leaves no stamp and reruns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-stage-'));
  const failing = {
    name: 'boom',
    inputs: 1,
    outputs: [],
    run: async () => {
      throw new Error('killed');
    },
  };
  await assert.rejects(runStage(dir, failing), /killed/);
  let ran = false;
  await runStage(dir, {
    ...failing,
    run: async () => {
      ran = true;
    },
  });
  assert.ok(ran);
});

test('hashOf ignores key order', () => {
  assert.equal(hashOf({ a: 1, b: [1, 2] }), hashOf({ b: [1, 2], a: 1 }));
  assert.notEqual(hashOf({ a: 1 }), hashOf({ a: 2 }));
});
