import { Command, CommanderError } from 'commander';
import { commands } from './commands.js';
import { TgrError } from '../core/errors.js';
import { fsError } from '../core/atomic-write.js';

/** Commander's error text as one line, with where to read the usage (its help-after-error would add a second line). */
function oneLineError(usage: string) {
  return (str: string, write: (s: string) => void) =>
    write(
      `tgr: ${str
        .replace(/^error: /, '')
        .trim()
        .replace(/\s*\n\s*/g, ' ')} (see ${usage})\n`,
    );
}

/** Builds the `tgr` program from the command table. */
export function buildProgram(): Command {
  const program = new Command('tgr')
    .description('text-guided resilience: train text-guided image classifiers and measure how they survive bit flips')
    .configureOutput({ outputError: oneLineError('tgr --help') })
    .exitOverride();
  for (const c of commands) {
    const sub = program
      .command(c.name)
      .description(c.summary)
      .configureOutput({ outputError: oneLineError(`tgr ${c.name} --help`) })
      .exitOverride();
    c.configure(sub).action(async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      await c.run(cmd.args, cmd.opts(), (program as unknown as { rawArgs: string[] }).rawArgs);
    });
  }
  return program;
}

/** A user error as its one line, or null for a bug (which keeps its stack trace). */
export function userError(e: unknown): string | null {
  if (e instanceof TgrError) return e.message;
  // A file-system error carrying a path is about a path the user gave (a folder where a file goes, a full disk…).
  const path = (e as { path?: unknown } | null)?.path;
  const known = typeof path === 'string' ? fsError(path, e, 'cannot use') : e;
  return known instanceof TgrError ? known.message : null;
}

/** Entry point: runs the program and turns user errors into one line on stderr and exit code 2. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const line = userError(e);
    if (line === null) throw e;
    process.stderr.write(`tgr: ${line}\n`);
    return 2;
  }
}

const isEntry = process.argv[1] && /(?:main\.(?:ts|js)|tgr(?:\.js)?)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
