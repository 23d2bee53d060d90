import type { Command } from 'commander';

/**
 * One CLI command: a name, a one-line summary, how to declare its options on a commander Command, and what to run.
 * A command parses and delegates; it holds no logic of its own.
 */
export interface CliCommand {
  name: string;
  summary: string;
  /** Declares arguments and options on the commander command, each with a parser from option-parsers.ts. */
  configure(cmd: Command): Command;
  /** Runs with commander's positional args and parsed options. */
  /**
   * `argv`: the user's arguments as given (commands that start copies of themselves, as inject --jobs, pass them on).
   */
  run(args: string[], opts: Record<string, unknown>, argv: readonly string[]): Promise<void>;
}
