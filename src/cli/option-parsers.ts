import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, type Argument, type Option } from 'commander';
import { TgrError, checkPlainName } from '../core/errors.js';
import { maxSeed, type ValueKind } from '../core/option-spec.js';

export { maxSeed, type ValueKind };

/** A commander parser that carries its ValueKind. */
export type ValueParser<T> = ((value: string, previous?: unknown) => T) & { valueKind: ValueKind };

/** Builds a parser: `check` returns the value or a string saying what was expected and what to do. */
function parser<T>(valueKind: ValueKind, check: (v: string) => T | { problem: string }): ValueParser<T> {
  const parse = (v: string): T => {
    let r: T | { problem: string };
    try {
      r = check(v);
    } catch (e) {
      // Validators borrowed from the stages (error-model specs, shards…) throw TgrError; commander wants its own type.
      if (!(e instanceof TgrError)) throw e;
      r = { problem: e.message };
    }
    if (r === null || typeof r !== 'object' || !('problem' in r)) return r as T;
    // Commander prints "option '--x <n>' argument 'v' is invalid." before it: a new sentence.
    throw new InvalidArgumentError(r.problem.charAt(0).toUpperCase() + r.problem.slice(1));
  };
  return Object.assign(parse, { valueKind });
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US').replace(/,/g, '') : String(n));

/** An integer in [min, max]. */
export function integer(min: number, max: number): ValueParser<number> {
  return parser({ kind: 'integer', min, max }, (v) => {
    const n = /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
    return Number.isSafeInteger(n) && n >= min && n <= max
      ? n
      : { problem: `expected a whole number from ${fmt(min)} to ${fmt(max)}; pass one in that range` };
  });
}

/** A count of at least 1 (0 would mean nothing to do, or silently "all"). */
export const count = (max: number) => integer(1, max);

/** A seed: any integer 0 … 2³²−1. */
export const seed = () => integer(0, maxSeed);

/**
 * Injections per layer: refused at parse time above a million (10⁸ grew to gigabytes with no output); the planner
 * also refuses a plan whose layers together exceed its own limit (maxPlanSites in faults/plan/plan.ts).
 */
export const maxPerLayer = 1_000_000;

/** ONNX Runtime intra-op threads. */
export const threads = () => count(1024);

/** Images (a golden pass over N images, a training limit): at least one. */
export const images = () => count(100_000_000);

/** A finite number in [min, max], or (min, max] when `above`. */
export function number(min: number, max: number, above = false): ValueParser<number> {
  return parser({ kind: 'number', min, max, above }, (v) => {
    const n = v.trim() === '' ? NaN : Number(v);
    const ok = Number.isFinite(n) && (above ? n > min : n >= min) && n <= max;
    return ok
      ? n
      : {
          problem: `expected a number ${above ? 'above' : 'from'} ${fmt(min)}${above ? ' and up' : ''} to ${fmt(max)}; pass one in that range`,
        };
  });
}

/** Comma-separated integers ≥ `min` (exactly `arity` of them when given), e.g. `--input-shape 3,32,32`. */
export function integerList(
  arity: number | undefined,
  min: number,
  max: number,
  example: string,
): ValueParser<number[]> {
  return parser({ kind: 'list', item: 'integer', min, max, ...(arity ? { arity } : {}) }, (v) => {
    const items = v.split(',').map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN));
    const ok = items.length > 0 && (!arity || items.length === arity) && items.every((n) => n >= min && n <= max);
    return ok
      ? items
      : {
          problem: `expected ${arity ? arity : 'comma-separated'} whole numbers from ${fmt(min)} to ${fmt(max)}, e.g. ${example}`,
        };
  });
}

/** Comma-separated numbers above `min`, e.g. `--tau 0.1,1,10`. */
export function numberList(min: number, example: string): ValueParser<number[]> {
  return parser({ kind: 'list', item: 'number', min }, (v) => {
    const items = v.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
    return items.every((n) => Number.isFinite(n) && n > min)
      ? items
      : { problem: `expected comma-separated numbers above ${fmt(min)}, e.g. ${example}` };
  });
}

/** Comma-separated names, e.g. `--layers conv1,fc`. */
export function nameList(): ValueParser<string[]> {
  return parser({ kind: 'list', item: 'name' }, (v) => {
    const items = v.split(',').map((s) => s.trim());
    return items.every((s) => s !== '') ? items : { problem: 'expected comma-separated names, e.g. conv1,fc' };
  });
}

/** One of a fixed set of words (a registry's keys). */
export function oneOf(choices: readonly string[]): ValueParser<string> {
  return parser({ kind: 'enum', choices }, (v) =>
    choices.includes(v) ? v : { problem: `expected one of: ${choices.join(', ')}` },
  );
}

/** A folder or file name inside a run (campaign names, run names): never a path, so it cannot escape its folder. */
export function name(): ValueParser<string> {
  return parser({ kind: 'name' }, (v) => checkPlainName(v, 'name'));
}

/** Free text (a URL, a model id, a template): anything but empty. */
export function text(): ValueParser<string> {
  return parser({ kind: 'text' }, (v) => (v.trim() === '' ? { problem: 'expected a non-empty value' } : v));
}

/** A structured value checked by the stage that reads it (an error-model spec, a shard k/n, a bit list). */
export function spec<T>(check: (v: string) => T): ValueParser<T> {
  return parser({ kind: 'spec' }, (v) => (v.trim() === '' ? { problem: 'expected a non-empty value' } : check(v)));
}

/** The existing ancestor of `path` that is not a folder, if any (a path under a file can never be created). */
function fileAncestor(path: string): string | null {
  for (let d = dirname(resolve(path)); ; d = dirname(d)) {
    if (existsSync(d)) return statSync(d).isDirectory() ? null : d;
    if (dirname(d) === d) return null;
  }
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** An existing file. */
export function file(): ValueParser<string> {
  return parser({ kind: 'file' }, (v) => {
    if (!existsSync(v)) return { problem: `no such file '${v}'; check the path` };
    return isDir(v) ? { problem: `'${v}' is a folder; pass a file` } : v;
  });
}

/** An existing folder. */
export function folder(): ValueParser<string> {
  return parser({ kind: 'folder' }, (v) => {
    if (!existsSync(v)) return { problem: `no such folder '${v}'; check the path` };
    return isDir(v) ? v : { problem: `'${v}' is a file; pass a folder` };
  });
}

/** An existing file or folder (a run folder or a .onnx file, a model folder or a vectors file). */
export function path(): ValueParser<string> {
  return parser({ kind: 'path' }, (v) =>
    existsSync(v) ? v : { problem: `no such file or folder '${v}'; check the path` },
  );
}

/** A file to write: not a folder, and not under a file. */
export function outFile(): ValueParser<string> {
  return parser({ kind: 'out-file' }, (v) => {
    if (isDir(v)) return { problem: `'${v}' is a folder; pass a file path to write` };
    const f = fileAncestor(v);
    return f ? { problem: `'${v}' lies under the file '${f}'; pass a path in a folder` } : v;
  });
}

/** A folder to write into (created when missing): not a file, and not under a file. */
export function outFolder(): ValueParser<string> {
  return parser({ kind: 'out-folder' }, (v) => {
    if (existsSync(v) && !isDir(v)) return { problem: `'${v}' is a file; pass a folder (it is created when missing)` };
    const f = fileAncestor(v);
    return f ? { problem: `'${v}' lies under the file '${f}'; pass a path in a folder` } : v;
  });
}

/**
 * The parser of a repeatable value (`<runs...>`, `--template <text...>`): commander hands each value with the list so
 * far.
 */
export function variadic<T>(one: ValueParser<T>): ValueParser<T[]> {
  const parse = (v: string, previous?: unknown): T[] => [...(Array.isArray(previous) ? (previous as T[]) : []), one(v)];
  return Object.assign(parse, { valueKind: one.valueKind });
}

/** The declared kind of an option or argument: its parser's, a flag's, or null when undeclared. */
export function valueKindOf(o: Option | Argument): ValueKind | { kind: 'flag' } | null {
  if ('long' in o && !o.required && !o.optional) return { kind: 'flag' };
  const p = (o as { parseArg?: Partial<ValueParser<unknown>> }).parseArg;
  if (p?.valueKind) return p.valueKind;
  const choices = (o as { argChoices?: string[] }).argChoices;
  return choices ? { kind: 'enum', choices } : null;
}
