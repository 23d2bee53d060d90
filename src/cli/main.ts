import { Command, CommanderError } from 'commander';
import { commands } from './commands.js';
import { TgrError } from '../core/errors.js';

/** Builds the `tgr` program from the command table. */
export function buildProgram(): Command {
  const program = new Command('tgr')
    .description('text-guided resilience: train text-guided image classifiers and measure how they survive bit flips')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const c of commands) {
    const sub = program.command(c.name).description(c.summary).exitOverride();
    c.configure(sub).action(async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      await c.run(cmd.args, cmd.opts());
    });
  }
  return program;
}

/** Entry point: runs the program and turns user errors into one line on stderr and exit code 2. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof TgrError) {
      process.stderr.write(`tgr: ${e.message}\n`);
      return 2;
    }
    throw e;
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
