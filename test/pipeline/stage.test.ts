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

test('a stage is told whether what its last attempt left is its own to continue: same inputs, not other ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-stage-'));
  const out = join(dir, 'out.txt');
  const told: boolean[] = [];
  const stage = (inputs: unknown, fail = false) => ({
    name: 'write',
    inputs,
    outputs: [out],
    run: async ({ resumable }: { resumable: boolean }) => {
      told.push(resumable);
      rmSync(out, { force: true }); // as a stage starting over clears its outputs
      if (fail) throw new Error('killed');
      writeFileSync(out, 'x');
    },
  });
  await runStage(dir, stage({ a: 1 })); // nothing left before: not resumable
  rmSync(out);
  await runStage(dir, stage({ a: 1 })); // its own outputs deleted since: resumable
  await runStage(dir, stage({ a: 2 })); // the files left are of { a: 1 }: stale
  await assert.rejects(runStage(dir, stage({ a: 3 }, true)), /killed/);
  await runStage(dir, stage({ a: 3 })); // continues its interrupted attempt
  await assert.rejects(runStage(dir, stage({ a: 4 }, true)), /killed/);
  await runStage(dir, stage({ a: 3 })); // { a: 3 } finished, but { a: 4 } has worked on the files since
  assert.deepEqual(told, [false, true, false, false, true, false, false]);
  // A stamp from before attempts were recorded stands for its finished run's inputs.
  const old = mkdtempSync(join(tmpdir(), 'tgr-stage-'));
  writeFileSync(join(old, 'write.json'), JSON.stringify({ hash: hashOf({ a: 1 }) }));
  told.length = 0;
  const moved = (inputs: unknown) => ({ ...stage(inputs), outputs: [join(old, 'gone.txt')] });
  await runStage(old, moved({ a: 1 }));
  rmSync(join(old, 'write.attempt.json'));
  writeFileSync(join(old, 'write.json'), JSON.stringify({ hash: hashOf({ a: 1 }) }));
  await runStage(old, moved({ a: 2 }));
  assert.deepEqual(told, [true, false]);
});

test('hashOf ignores key order', () => {
  assert.equal(hashOf({ a: 1, b: [1, 2] }), hashOf({ b: [1, 2], a: 1 }));
  assert.notEqual(hashOf({ a: 1 }), hashOf({ a: 2 }));
});
