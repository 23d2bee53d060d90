import type { Command } from 'commander';

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
    if (!Number.isInteger(n)) throw new Error(`${flag} expects an integer, got '${v}'`);
    return n;
  };
}

/** Parses a number option, naming the flag in the error. */
export function numberOption(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`${flag} expects a number, got '${v}'`);
    return n;
  };
}
