import type { Argument, Command, Option } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { valueKindOf, type ValueKind } from '../../src/cli/option-parsers.js';

/**
 * The bad-value table of `tgr`, derived from the CLI's own commander objects: every option and argument of every
 * command, with bad values chosen by its declared kind. A new option is covered by declaring its kind; an option
 * declared without one is listed in `undeclared`.
 */

/** One invocation that must fail cleanly. Runs in a folder holding `file.txt` and `folder/`. */
export interface BadCase {
  command: string;
  /** `--flag` or `<argument>`: what the error line must name. */
  target: string;
  value: string;
  argv: string[];
}

const fmt = (n: number) => String(n);

/** Bad values of one kind (the working folder holds `file.txt` and `folder/`). */
export function badValues(k: ValueKind): string[] {
  switch (k.kind) {
    case 'integer':
      return unique([
        'abc',
        '1.5',
        '',
        fmt(k.min - 1),
        k.min > 0 ? '-1' : '',
        k.max < Number.MAX_SAFE_INTEGER ? fmt(k.max + 1) : '1e30',
      ]);
    case 'number':
      return unique([
        'abc',
        'NaN',
        'Infinity',
        '',
        k.above ? fmt(k.min) : fmt(k.min - 1),
        k.min >= 0 ? '-1' : '',
        Number.isFinite(k.max) ? fmt(k.max * 2 + 1) : '1e999',
      ]);
    case 'list': {
      const good = k.item === 'name' ? 'a' : String(Math.max(1, (k.min ?? 0) + 1));
      const n = k.arity ?? 2;
      return unique([
        ',',
        ...(k.item === 'name'
          ? ['']
          : [
              'abc',
              Array(n).fill('-1').join(','),
              Array(n)
                .fill(k.min !== undefined && k.min > 0 ? '0' : 'x')
                .join(','),
              ...(k.max !== undefined
                ? [
                    Array(n)
                      .fill(String(k.max + 1))
                      .join(','),
                  ]
                : []),
            ]),
        ...(k.arity
          ? [
              Array(k.arity - 1)
                .fill(good)
                .join(','),
              Array(k.arity + 1)
                .fill(good)
                .join(','),
            ]
          : []),
      ]);
    }
    case 'enum':
      return ['bogus', ''];
    case 'name':
      return ['../../escape', 'a/b', '..', ''];
    case 'text':
      return ['', '  '];
    case 'spec':
      return ['bogus', ''];
    case 'file':
      return ['missing/nope.bin', 'folder', 'file.txt/x'];
    case 'folder':
      return ['missing/dir', 'file.txt'];
    case 'path':
      return ['missing/x', 'file.txt/x'];
    case 'out-file':
      return ['folder', 'file.txt/out.json'];
    case 'out-folder':
      return ['file.txt', 'file.txt/sub'];
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)].filter((v, i, all) => v !== '' || all.indexOf('') === i);
}

/** A value of the kind that its parser accepts, so a case fails on what it tests and nothing else; null if unknown. */
function goodValue(k: ValueKind | { kind: 'flag' } | null): string | null {
  switch (k?.kind) {
    case 'integer':
      return String(k.min);
    case 'number':
      return String(k.above ? Math.min(k.min + 1, k.max) : k.min);
    case 'enum':
      return k.choices[0]!;
    case 'list':
      return Array(k.arity ?? 1)
        .fill(k.item === 'name' ? 'a' : String(Math.max(1, (k.min ?? 0) + 1)))
        .join(',');
    case 'name':
    case 'text':
      return 'x';
    case 'file':
      return 'file.txt';
    case 'folder':
      return 'folder';
    case 'path':
      return '.';
    case 'out-file':
      return 'out.json';
    case 'out-folder':
      return 'out';
    default:
      return null;
  }
}

const options = (c: Command): readonly Option[] => c.options;
const args = (c: Command): readonly Argument[] => c.registeredArguments;

/** Every case of every command, and the options/arguments that declare no kind. */
export function badCases(): { cases: BadCase[]; undeclared: string[] } {
  const cases: BadCase[] = [];
  const undeclared: string[] = [];
  for (const cmd of buildProgram().commands) {
    const command = cmd.name();
    const positional = args(cmd)
      .filter((a) => a.required)
      .map((a) => goodValue(valueKindOf(a)) ?? '.');
    // Commander checks required options before arguments: an argument's case passes them good values.
    const required = options(cmd)
      .filter((o) => o.mandatory)
      .map((o) => `${o.long}=${goodValue(valueKindOf(o)) ?? 'x'}`);
    for (const o of options(cmd)) {
      const k = valueKindOf(o);
      if (!k) undeclared.push(`tgr ${command} ${o.long}`);
      if (!k || k.kind === 'flag') continue;
      for (const value of badValues(k))
        // --flag=value: a value that starts with '-' would otherwise read as a flag.
        cases.push({ command, target: o.long!, value, argv: [command, ...positional, `${o.long}=${value}`] });
    }
    args(cmd).forEach((a, i) => {
      const k = valueKindOf(a);
      if (!k) undeclared.push(`tgr ${command} <${a.name()}>`);
      if (!k || k.kind === 'flag') return;
      for (const value of badValues(k).filter((v) => v !== '' && !v.startsWith('-'))) {
        const argv = [command, ...positional, ...required];
        argv[i + 1] = value;
        cases.push({ command, target: a.name(), value, argv });
      }
    });
  }
  return { cases, undeclared };
}
