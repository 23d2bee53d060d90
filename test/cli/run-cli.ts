import { main } from '../../src/cli/main.js';

/** Runs tgr in-process with stdout (console.log and writes) and stderr captured; for CLI tests of any command. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const [o, e, log] = [process.stdout.write, process.stderr.write, console.log];
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  console.log = (...a: unknown[]) => void (out += a.join(' ') + '\n');
  try {
    return { code: await main(argv), out, err };
  } finally {
    [process.stdout.write, process.stderr.write, console.log] = [o, e, log];
  }
}
