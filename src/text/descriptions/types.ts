import type { DeclaresOptions, OptionSpecs } from '../../core/option-spec.js';

/** Sentences per class, in CuPL's JSON format: `{ "class name": ["sentence", …] }`. */
export type Descriptions = Record<string, string[]>;

/** What every description source may use besides its own options. */
export interface SourceContext {
  /** Root of tgr's on-disk caches (the llm source keeps answers under `<cacheDir>/llm/`). */
  cacheDir: string;
  /** No progress output (tests). */
  quiet?: boolean;
  /** Where warnings go (extra classes in a CuPL file); defaults to stderr. */
  warn?: (line: string) => void;
}

/** A way to get descriptions for a list of class names; registered in descriptions/registry.ts. */
export interface DescriptionSource<O> {
  name: string;
  /** One line for `--help`. */
  summary: string;
  /** The options it reads, declared for the CLI's flags and help. */
  options: OptionSpecs<O>;
  describe(classNames: readonly string[], options: O, ctx: SourceContext): Promise<Descriptions>;
}

/** Any source, whatever its options (the registry's entry type). */
export type AnyDescriptionSource = Omit<DescriptionSource<never>, 'options'> & DeclaresOptions;
