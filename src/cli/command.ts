import { InvalidArgumentError, type Command } from 'commander';

/**
 * One CLI command: a name, a one-line summary, how to declare its options on a commander Command, and what to run.
 * A command parses and delegates; it holds no logic of its own.
 */
export interface CliCommand {
  name: string;
  summary: string;
  /** Declares arguments and options on the commander command. */
  configure(cmd: Command): Command;
  /** Runs with commander's positional args and parsed options. */
  run(args: string[], opts: Record<string, unknown>): Promise<void>;
}

/** Parses an integer option, naming the flag in the error. */
export function intOption(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    // InvalidArgumentError makes commander print one usage line and exit 2; a plain Error escaped as a stack trace.
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} expects an integer, got '${v}'`);
    return n;
  };
}

/** Parses a number option, naming the flag in the error. */
export function numberOption(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${flag} expects a number, got '${v}'`);
    return n;
  };
}
