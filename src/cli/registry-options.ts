import { Option, type Command } from 'commander';
import { invariant } from '../core/errors.js';
import type {
  DeclaresOptions,
  ListKind,
  NumberKind,
  OptionSpec,
  SpecParam,
  SpecSyntax,
  StringKind,
} from '../core/option-spec.js';
import {
  file,
  folder,
  integer,
  integerList,
  name,
  number,
  numberList,
  oneOf,
  outFile,
  outFolder,
  path,
  spec,
  text,
  variadic,
  type ValueParser,
} from './option-parsers.js';

type Declarable = NumberKind | StringKind | ListKind;
type Kind = Declarable['kind'];

/** The parser of each kind a registry entry may declare (one table: a new kind is one line). */
const parsers: { [K in Kind]: (v: Extract<Declarable, { kind: K }>) => ValueParser<unknown> } = {
  integer: (v) => integer(v.min, v.max),
  number: (v) => number(v.min, v.max, v.above),
  enum: (v) => oneOf(v.choices),
  file: () => file(),
  folder: () => folder(),
  path: () => path(),
  'out-file': () => outFile(),
  'out-folder': () => outFolder(),
  name: () => name(),
  text: () => text(),
  list: (v) =>
    v.item === 'integer'
      ? integerList(undefined, v.min, v.max ?? Number.MAX_SAFE_INTEGER, v.example)
      : numberList(v.min, v.example),
  spec: (v) => spec(v.parse),
};

/** The commander parser of one declared value. */
export function parserFor(spec: OptionSpec): ValueParser<unknown> | undefined {
  if (!('value' in spec)) return undefined;
  const one = (parsers[spec.value.kind] as (v: Declarable) => ValueParser<unknown>)(spec.value);
  return spec.repeatable ? variadic(one) : one;
}

/** The entries' declarations grouped by flag, in table order: entries that share a flag must declare it alike. */
function byFlag(entries: Record<string, DeclaresOptions>): Map<string, { spec: OptionSpec; users: string[] }> {
  const flags = new Map<string, { spec: OptionSpec; users: string[]; helps: string[] }>();
  for (const entry of Object.values(entries)) {
    for (const spec of Object.values(entry.options)) {
      if (!spec) continue;
      const seen = flags.get(spec.flag);
      if (!seen) {
        flags.set(spec.flag, { spec, users: [entry.name], helps: [`${entry.name}: ${spec.help}`] });
        continue;
      }
      const { help: _a, ...mine } = spec;
      const { help: _b, ...theirs } = seen.spec;
      invariant(
        JSON.stringify(mine) === JSON.stringify(theirs),
        `--${spec.flag} is declared differently by ${seen.users.join(', ')} and ${entry.name}`,
      );
      seen.users.push(entry.name);
      seen.helps.push(`${entry.name}: ${spec.help}`);
    }
  }
  return new Map([...flags].map(([f, v]) => [f, { spec: { ...v.spec, help: v.helps.join('; ') }, users: v.users }]));
}

/** The commander option of one declaration: a switch, or a value with its kind's parser and its default. */
export function optionOf(spec: OptionSpec): Option {
  if (!('value' in spec)) return new Option(`--${spec.flag}`, spec.help);
  const o = new Option(`--${spec.flag} <${spec.arg}${spec.repeatable ? '...' : ''}>`, spec.help);
  o.argParser(parserFor(spec)!);
  if (spec.default !== undefined) o.default(spec.default);
  return o;
}

/** Declares every entry's options on `cmd`, help prefixed by the entries that read each (`clip: …; glove: …`). */
export function addRegistryOptions(cmd: Command, entries: Record<string, DeclaresOptions>): Command {
  for (const { spec } of byFlag(entries).values()) cmd.addOption(optionOf(spec));
  return cmd;
}

/**
 * The entries' options object from commander's parsed flags: each declared field that was given (or has a default)
 * holds its flag's value, times its scale. One bag for all entries, each reading its own fields.
 */
export function optionsFromFlags<O>(entries: Record<string, DeclaresOptions>, flags: Record<string, unknown>): O {
  const out: Record<string, unknown> = {};
  for (const entry of Object.values(entries)) {
    for (const [field, spec] of Object.entries(entry.options)) {
      if (!spec) continue;
      const v = flags[new Option(`--${spec.flag}`).attributeName()];
      if (v === undefined) continue;
      out[field] = 'scale' in spec && spec.scale !== undefined ? (v as number) * spec.scale : v;
    }
  }
  return out as O;
}

/** Help listing a table's choices in order, each with its words when it has any: `ops (one session) | data (…)`. */
export function choicesHelp(table: Readonly<Record<string, string>>): string {
  return Object.entries(table)
    .map(([k, help]) => (help ? `${k} (${help})` : k))
    .join(' | ');
}

/** The entries that declare options, as the table addRegistryOptions reads, each named by its spec syntax. */
export function declaredOptions(
  entries: Readonly<Record<string, SpecSyntax & { options?: DeclaresOptions['options'] }>>,
): Record<string, DeclaresOptions> {
  return Object.fromEntries(
    Object.entries(entries).flatMap(([k, e]) => (e.options ? [[k, { name: e.syntax, options: e.options }]] : [])),
  );
}

/**
 * A registry read through a spec string (`--error-model multi-bit-adjacent:3`, `--format int:4`); entries that
 * declare nothing (a named format) are listed by name.
 */
type SpecEntries = Readonly<Record<string, object & { help?: string; param?: SpecParam }>>;

/**
 * The help of a spec option, built from its registry: each entry (with `[:K]` when it declares a parameter, and its
 * own help when it has one), then the declared family syntaxes, then what each parameter means and its range.
 */
export function specHelp(entries: SpecEntries, families: Readonly<Record<string, SpecSyntax>> = {}): string {
  const named = Object.entries(entries).map(([name, e]) => {
    const syntax = e.param ? `${name}[:${e.param.name}]` : name;
    return e.help ? `${syntax} (${e.help})` : syntax;
  });
  const params = new Map<string, SpecParam>();
  for (const e of Object.values(entries)) if (e.param) params.set(e.param.name, e.param);
  const parts = [
    named.join(' | '),
    ...Object.values(families).map((f) => `${f.syntax} (${f.help})`),
    ...[...params.values()].map((p) => `${p.name}: ${p.help}, ${p.value.min} to ${p.value.max} (default ${p.default})`),
  ];
  return parts.join('; ');
}
