import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { saveModel } from '../../../src/onnx/proto-io.js';
import { runCli } from '../run-cli.js';
import { residualNet } from '../../faults/nets.js';
import { tempDir } from '../../faults/fixtures.js';

/** A run folder holding an untrained 1×16×16, 4-class residual net; the synthetic dataset matches its input. */
function runFolder(label: string): string {
  const dir = tempDir(label);
  saveModel(residualNet({ channels: 1, size: 16, classes: 4, width: 4 }), join(dir, 'model.onnx'));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ dataset: 'synthetic' }));
  return dir;
}

test('tgr merge --shards 0 / -1: one line, exit 2, the merged result untouched; a foreign shard is refused', async (t) => {
  const run = runFolder('cli-merge');
  t.after(() => rmSync(run, { recursive: true, force: true }));
  const camp = join(run, 'campaign', 'fp32');
  for (const k of ['0', '1'])
    assert.equal((await runCli('inject', run, '--per-layer', '8', '--shard', `${k}/2`, '--quiet')).code, 0);
  assert.equal((await runCli('merge', run, '--shards', '2')).code, 0);
  const merged = readFileSync(join(camp, 'faults.jsonl'));
  assert.equal(merged.toString().trimEnd().split('\n').length, 56);
  for (const n of ['0', '-1']) {
    const r = await runCli('merge', run, '--shards', n);
    assert.equal(r.code, 2);
    assert.match(r.err, /^tgr: [^\n]*--shards[^\n]*\n$/, 'one line naming the flag'); // the CLI's range check or merge's
    assert.ok(readFileSync(join(camp, 'faults.jsonl')).equals(merged));
  }
  // Shard 1 made with the range detector in another run folder, copied in: refused, naming the setting.
  const other = runFolder('cli-merge-other');
  t.after(() => rmSync(other, { recursive: true, force: true }));
  const r = await runCli('inject', other, '--per-layer', '8', '--shard', '1/2', '--range-detector', '--quiet');
  assert.equal(r.code, 0, r.err);
  for (const f of ['faults.1-of-2.jsonl', 'faults.1-of-2.jsonl.units'])
    writeFileSync(join(camp, f), readFileSync(join(other, 'campaign', 'fp32', f)));
  const foreign = await runCli('merge', run, '--shards', '2');
  assert.equal(foreign.code, 2);
  assert.match(
    foreign.err,
    /^tgr: .*faults\.1-of-2\.jsonl holds records made from another plan or settings \(.*rangeDetector true ≠ false.*\) — move it and .* away, or run it under its own --name\n$/,
  );
  assert.ok(readFileSync(join(camp, 'faults.jsonl')).equals(merged));
  assert.deepEqual(
    readdirSync(camp).filter((f) => /tmp|lock/.test(f)),
    [],
  );
});

test('tgr inject on a campaign another live tgr is writing: one line, exit 2, and no record is written twice', async (t) => {
  const run = runFolder('cli-lock');
  t.after(() => rmSync(run, { recursive: true, force: true }));
  const camp = join(run, 'campaign', 'fp32');
  assert.equal((await runCli('plan', run, '--per-layer', '8', '--quiet')).code, 0);
  const lock = join(camp, 'faults.jsonl.lock');
  writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), started: '2026-12-06T02:00:00.000Z' }));
  const busy = await runCli('inject', run, '--per-layer', '8', '--quiet');
  assert.equal(busy.code, 2);
  assert.equal(
    busy.err,
    `tgr: ${camp} is being written by tgr pid ${process.ppid} on ${hostname()} since 2026-12-06T02:00:00.000Z — wait for it to finish (or stop it), or delete ${lock} if that process is gone\n`,
  );
  assert.ok(!existsSync(join(camp, 'faults.jsonl')));
  rmSync(lock);
  assert.equal((await runCli('inject', run, '--per-layer', '8', '--quiet')).code, 0);
  assert.equal((await runCli('inject', run, '--per-layer', '8', '--quiet')).code, 0);
  const ids = readFileSync(join(camp, 'faults.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l).id);
  assert.deepEqual(
    ids,
    Array.from({ length: 56 }, (_, i) => i),
  );
  assert.ok(!existsSync(lock), 'released after the run');
});
