/**
 * What an option's value is, declared beside the option. The CLI's parser checks it while commander parses, before
 * any work starts, and the bad-value test derives its cases from it, so a new option is covered by declaring it.
 * It lives here, not in src/cli, so registries in the stages (description sources, encoders, heads) can declare the
 * options they read.
 */
export type ValueKind =
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'number'; min: number; max: number; above?: boolean }
  | { kind: 'list'; item: 'integer' | 'number' | 'name'; arity?: number; min?: number; max?: number; example?: string }
  | { kind: 'enum'; choices: readonly string[] }
  | { kind: 'file' | 'folder' | 'path' | 'out-file' | 'out-folder' | 'name' | 'text' | 'spec' };

/** The largest seed: Rng reduces seeds to 32 bits, so larger ones would silently alias smaller ones. */
export const maxSeed = 2 ** 32 - 1;

/** The number kinds a registry entry may declare. */
export type NumberKind = Extract<ValueKind, { kind: 'integer' | 'number' }>;
/** The string kinds a registry entry may declare: those a parser is built from without code of the entry's. */
export type StringKind =
  | Extract<ValueKind, { kind: 'enum' }>
  | { kind: 'file' | 'folder' | 'path' | 'out-file' | 'out-folder' | 'name' | 'text' };

/**
 * The kinds an array-of-numbers field may declare: comma-separated numbers (integers from `min`, or numbers above
 * it), or a value only the entry's own parser understands (`--cam-bits 0-22,30`), which throws a TgrError when bad.
 */
export type ListKind =
  | { kind: 'list'; item: 'integer' | 'number'; min: number; max?: number; example: string }
  | { kind: 'spec'; parse: (v: string) => unknown };

/** A switch: true when given, absent otherwise. */
export interface SwitchSpec {
  /** The flag without its dashes, e.g. 'offline'. */
  flag: string;
  help: string;
}

/** An option with a value. Entries that share a flag (clip's and glove's `encoder-path`) declare it alike. */
export interface ValueSpec<K extends NumberKind | StringKind | ListKind> {
  /** The flag without its dashes, e.g. 'wordnet-depth'. */
  flag: string;
  /** The value's placeholder in help: 'n', 'file', 'url'. */
  arg: string;
  value: K;
  help: string;
  default?: K extends NumberKind ? number : K extends ListKind ? never : string;
  /** The option holds the flag's value times this (`--timeout` in seconds fills `timeoutMs`). */
  scale?: K extends NumberKind ? number : never;
}

/** The declaration an option field of type T takes: a switch for a boolean, a number kind for a number, … */
export type OptionSpecFor<T> = [NonNullable<T>] extends [boolean]
  ? SwitchSpec
  : [NonNullable<T>] extends [number]
    ? ValueSpec<NumberKind>
    : [NonNullable<T>] extends [readonly number[]]
      ? ValueSpec<ListKind>
      : [NonNullable<T>] extends [readonly string[]]
        ? ValueSpec<StringKind> & { repeatable: true }
        : ValueSpec<StringKind>;

/** One declared option of any field type. */
export type OptionSpec = SwitchSpec | (ValueSpec<NumberKind | StringKind | ListKind> & { repeatable?: boolean });

/**
 * A registry entry's option declarations, one per field of its options object that the CLI fills (fields only a
 * program sets, such as test back-off times, are left out). The CLI builds flags, help and parsers from them.
 */
export type OptionSpecs<O> = { readonly [K in keyof O]?: OptionSpecFor<O[K]> };

/** A registry entry that declares the options it reads. */
export interface DeclaresOptions {
  name: string;
  options: { readonly [key: string]: OptionSpec | undefined };
}

/**
 * A whole number written into a registry spec after a colon (`multi-bit-adjacent:3`): declared beside the entry like
 * an option's value, so the CLI's help and the entry's range check come from one place.
 */
export interface SpecParam {
  /** Its placeholder in help and errors, e.g. 'K'. */
  name: string;
  value: Extract<NumberKind, { kind: 'integer' }>;
  help: string;
  /** The value when the spec names the entry alone. */
  default: number;
}

/** A spec syntax a registry entry declares for help: `fp:eXmY[:ftz]` and what it means. */
export interface SpecSyntax {
  syntax: string;
  help: string;
}
