import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { badCases, type BadCase } from './bad-values-cases.js';
import type { CaseResult } from './bad-values-runner.js';

const runner = fileURLToPath(new URL('./bad-values-runner.ts', import.meta.url));
/** A bad value must be refused before any real work: a case still running after this is a failure. */
const deadlineMs = 10_000;

/** Runs cases[first…] in one runner process; a case past the deadline is killed, recorded, and the rest resumed. */
async function runChunk(cases: BadCase[], root: string): Promise<Map<number, CaseResult | 'timeout' | string>> {
  const file = join(root, `cases-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(cases));
  const results = new Map<number, CaseResult | 'timeout' | string>();
  let first = 0;
  while (first < cases.length) {
    const child = spawn(process.execPath, ['--import', 'tsx', runner, file, root, String(first)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + String(d)).slice(-2000)));
    let timer: NodeJS.Timeout | undefined;
    let running = -1;
    let killed = false;
    for await (const line of createInterface({ input: child.stdout! })) {
      const start = /^start (\d+)$/.exec(line);
      if (start) {
        running = Number(start[1]);
        clearTimeout(timer);
        timer = setTimeout(() => ((killed = true), child.kill('SIGKILL')), deadlineMs);
        continue;
      }
      const r = JSON.parse(line) as CaseResult;
      results.set(r.index, r);
      clearTimeout(timer);
      running = -1;
    }
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) await once(child, 'close');
    if (running >= 0) results.set(running, killed ? 'timeout' : `ended the runner: ${stderr.trim().slice(0, 300)}`);
    if (running < 0 && results.size < cases.length) {
      // The runner died outside a case (it could not load the CLI): every case left gets its last words.
      const words = `runner died: ${stderr.trim().split('\n').slice(0, 4).join(' | ')}`;
      for (let i = first; i < cases.length; i++) if (!results.has(i)) results.set(i, words);
    }
    first = running >= 0 ? running + 1 : cases.length;
  }
  return results;
}

/** Why a case's outcome breaks the contract, or null when it is a clean one-line refusal. */
function problem(c: BadCase, r: CaseResult | 'timeout' | string | undefined): string | null {
  if (r === undefined) return 'no result';
  if (r === 'timeout') return `still running after ${deadlineMs / 1000} s (validate before the work starts)`;
  if (typeof r === 'string') return r;
  const lines = r.stderr.trimEnd().split('\n');
  if (r.code === null) return `threw (stack trace, exit 1): ${lines.slice(0, 2).join(' | ')}`;
  if (r.code !== 2) return `exit ${r.code}, expected 2: ${lines[0]}`;
  if (lines.length !== 1) return `${lines.length} lines on stderr: ${lines.slice(0, 3).join(' | ')}`;
  if (!lines[0]!.includes(c.target)) return `the error does not name ${c.target}: ${lines[0]}`;
  if (r.leftovers.length > 0) return `left ${r.leftovers.join(', ')}`;
  return null;
}

test('every option of every command declares the kind of its value (so the bad-value table covers it)', () => {
  assert.deepEqual(badCases().undeclared, []);
});

test('bad values for every option and argument of every command: exit 2, one line naming it, nothing left behind', async (t) => {
  const { cases } = badCases();
  const root = mkdtempSync(join(tmpdir(), 'tgr-bad-values-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  // Two runners: the machine has two cores, and each runner spends most of its time loading the CLI once.
  const half = Math.ceil(cases.length / 2);
  const [a, b] = await Promise.all([runChunk(cases.slice(0, half), root), runChunk(cases.slice(half), root)]);
  const results = cases.map((_, i) => (i < half ? a.get(i) : b.get(i - half)));
  const byCommand = new Map<string, string[]>();
  cases.forEach((c, i) => {
    const p = problem(c, results[i]);
    if (p) byCommand.set(c.command, [...(byCommand.get(c.command) ?? []), `${c.argv.join(' ')} → ${p}`]);
  });
  for (const command of new Set(cases.map((c) => c.command)))
    await t.test(`tgr ${command}`, () => assert.deepEqual(byCommand.get(command) ?? [], []));
});

test('the real process: bin/tgr.js exits 2 with one line and no stack trace, for parse-time and run-time refusals', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-bad-process-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'file.txt'), 'not a model\n');
  mkdirSync(join(dir, 'folder'));
  const bin = fileURLToPath(new URL('../../bin/tgr.js', import.meta.url));
  const run = async (...argv: string[]) => {
    const child = spawn(process.execPath, [bin, ...argv], {
      cwd: dir,
      env: { ...process.env, TGR_FROM_SOURCE: '1', TGR_CACHE: join(dir, 'cache') },
      stdio: ['ignore', 'ignore', 'pipe'],
      // Only a hang guard: loading the CLI from sources takes seconds on a loaded machine; the 10 s bound on the
      // refusal itself is the in-process table's.
      timeout: 120_000,
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, stderr };
  };
  const results = await Promise.all([
    run('plan', '.', '--target', 'bogus'),
    run('describe', '--classes', 'a,b', '--out', 'folder'),
    run('inspect', 'file.txt'),
  ]);
  assert.deepEqual(
    results.map((r) => r.code),
    [2, 2, 2],
  );
  assert.equal(
    results[0]!.stderr,
    "tgr: option '--target <what>' argument 'bogus' is invalid. Expected one of: neurons, weights (see tgr plan --help)\n",
  );
  assert.equal(
    results[1]!.stderr,
    "tgr: option '--out <file>' argument 'folder' is invalid. 'folder' is a folder; pass a file path to write (see tgr describe --help)\n",
  );
  assert.match(results[2]!.stderr, /^tgr: file\.txt: [^\n]*\n$/);
  assert.deepEqual(readdirSync(dir).sort(), ['file.txt', 'folder']);
});
