import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockFile, removeStaleTemps } from '../../src/core/folder-lock.js';
import { TgrError } from '../../src/core/errors.js';

const child = fileURLToPath(new URL('./folder-lock-child.ts', import.meta.url));
const tempDir = () => mkdtempSync(join(tmpdir(), 'tgr-lock-'));

/** The pid of a process that has exited (so it is surely dead, and not yet reused in this short test). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

test('a lock holds its owner (pid, host, start); re-entered it stays until the last release', () => {
  const path = join(tempDir(), 'faults.jsonl.lock');
  const a = lockFile(path);
  const owner = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(owner.pid, process.pid);
  assert.equal(owner.host, hostname());
  assert.ok(!Number.isNaN(Date.parse(owner.started)));
  const b = lockFile(path);
  a.release();
  a.release(); // idempotent: the count drops once per handle
  assert.ok(existsSync(path));
  b.release();
  assert.ok(!existsSync(path));
});

test('a live owner on this host is a one-line error naming the folder, pid and host, and what to do', () => {
  const dir = tempDir();
  const path = join(dir, 'faults.jsonl.lock');
  const owner = { pid: process.ppid, host: hostname(), started: '2026-01-01T00:00:00.000Z' };
  writeFileSync(path, JSON.stringify(owner) + '\n');
  assert.throws(
    () => lockFile(path),
    (e: unknown) =>
      e instanceof TgrError &&
      e.message ===
        `${dir} is being written by tgr pid ${process.ppid} on ${hostname()} since 2026-01-01T00:00:00.000Z — wait for it to finish (or stop it), or delete ${path} if that process is gone`,
  );
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), owner, 'the live lock is left alone');
});

test('an owner on another host cannot be checked, so it counts as live', () => {
  const path = join(tempDir(), 'x.lock');
  writeFileSync(path, JSON.stringify({ pid: deadPid(), host: 'elsewhere.example', started: 'then' }));
  assert.throws(() => lockFile(path), /being written by tgr pid \d+ on elsewhere\.example since then/);
});

test('a lock left by a dead process of this host is taken over', () => {
  const dir = tempDir();
  const path = join(dir, 'faults.jsonl.lock');
  writeFileSync(path, JSON.stringify({ pid: deadPid(), host: hostname(), started: 'then' }));
  const l = lockFile(path);
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
  assert.deepEqual(readdirSync(dir), ['faults.jsonl.lock'], 'nothing is left aside');
  l.release();
  assert.ok(!existsSync(path));
});

/** Spawns the child on `path`; resolves with its first output line and the process. */
function lockInChild(path: string, mode?: string) {
  const c = spawn(process.execPath, ['--import', 'tsx', child, path, ...(mode ? [mode] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = new Promise<string>((resolve) => c.stdout.once('data', (d: Buffer) => resolve(String(d).trim())));
  const exit = new Promise<NodeJS.Signals | number | null>((resolve) =>
    c.on('exit', (code, sig) => resolve(sig ?? code)),
  );
  return { c, line, exit };
}

test('two processes: the second refuses while the first runs; SIGTERM releases the lock and still kills', async () => {
  const path = join(tempDir(), 'faults.jsonl.lock');
  const first = lockInChild(path);
  assert.equal(await first.line, 'locked');
  const second = lockInChild(path);
  assert.match(await second.line, new RegExp(`^refused: .* is being written by tgr pid ${first.c.pid} on `));
  assert.equal(await second.exit, 0);
  first.c.kill('SIGTERM');
  assert.equal(await first.exit, 'SIGTERM');
  assert.ok(!existsSync(path), 'released on SIGTERM');
});

test('a normal exit releases the lock; a SIGKILL leaves it, and the next writer takes it over', async () => {
  const path = join(tempDir(), 'faults.jsonl.lock');
  const done = lockInChild(path, 'exit');
  assert.equal(await done.line, 'locked');
  assert.equal(await done.exit, 0);
  assert.ok(!existsSync(path));
  const killed = lockInChild(path);
  assert.equal(await killed.line, 'locked');
  killed.c.kill('SIGKILL');
  await killed.exit;
  assert.ok(existsSync(path), 'a SIGKILL runs no handler');
  const next = lockInChild(path, 'exit');
  assert.equal(await next.line, 'locked');
  assert.equal(await next.exit, 0);
});

test('removeStaleTemps removes temp files of dead pids only', () => {
  const dir = tempDir();
  const dead = deadPid();
  for (const f of [
    `golden-activations.bin.tmp-${dead}`,
    `golden.json.tmp-${process.pid}`,
    `plan.json.tmp-${process.ppid}`,
    'keep.txt',
  ])
    writeFileSync(join(dir, f), 'x');
  assert.deepEqual(removeStaleTemps(dir), [`golden-activations.bin.tmp-${dead}`]);
  assert.deepEqual(
    readdirSync(dir).sort(),
    ['golden.json.tmp-' + process.pid, 'keep.txt', `plan.json.tmp-${process.ppid}`].sort(),
  );
  assert.deepEqual(removeStaleTemps(join(dir, 'absent')), []);
});
