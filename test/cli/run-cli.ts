import { main } from '../../src/cli/main.js';

/**
 * Runs tgr in-process capturing console.log and stderr only. It leaves process.stdout.write alone:
 * node's test runner reports through that stream, and a test that captures it can swallow the previous test's
 * result line (seen as a missing "ok N"). For commands that print with console.log.
 */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const [e, log] = [process.stderr.write, console.log];
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  console.log = (...a: unknown[]) => void (out += a.join(' ') + '\n');
  try {
    return { code: await main(argv), out, err };
  } finally {
    [process.stderr.write, console.log] = [e, log];
  }
}
