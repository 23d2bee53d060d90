import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { BadCase } from './bad-values-cases.js';

/**
 * Child process of bad-values.test.ts: runs `tgr` in-process on each case of a JSON file, each in a fresh folder,
 * and writes `start I` before and one JSON result line after each case on fd 1. In-process because spawning the CLI
 * from sources costs ~1.5 s per case; the parent kills this process when a case runs past its deadline.
 */

/** What one case did. */
export interface CaseResult {
  index: number;
  /** Exit code main() returned, or null when it threw (the real CLI would print a stack trace and exit 1). */
  code: number | null;
  stderr: string;
  /** Files named like an atomic write's temp file left anywhere under the case's folder. */
  leftovers: string[];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

async function runCase(c: BadCase, index: number, root: string): Promise<CaseResult> {
  const dir = mkdtempSync(join(root, 'case-'));
  writeFileSync(join(dir, 'file.txt'), 'not a folder\n');
  mkdirSync(join(dir, 'folder'));
  process.chdir(dir);
  process.env.TGR_CACHE = join(dir, 'cache');
  let stderr = '';
  const [err, out, log] = [process.stderr.write, process.stdout.write, console.log];
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  console.log = () => undefined;
  let code: number | null;
  try {
    code = await main(c.argv);
  } catch (e) {
    code = null;
    stderr += e instanceof Error ? e.stack : String(e);
  } finally {
    [process.stderr.write, process.stdout.write, console.log] = [err, out, log];
  }
  const leftovers = walk(dir)
    .filter((f) => /\.tmp-/.test(f))
    .map((f) => relative(dir, f));
  process.chdir(root);
  rmSync(dir, { recursive: true, force: true });
  return { index, code, stderr, leftovers };
}

const [casesFile, rootDir, first] = process.argv.slice(2) as [string, string, string];
const cases = JSON.parse(readFileSync(casesFile, 'utf8')) as BadCase[];
for (let i = Number(first); i < cases.length; i++) {
  writeSync(1, `start ${i}\n`);
  writeSync(1, JSON.stringify(await runCase(cases[i]!, i, rootDir)) + '\n');
}
// Open handles (a session, a worker) left by a case that got further than it should must not keep the runner alive.
process.exit(0);
