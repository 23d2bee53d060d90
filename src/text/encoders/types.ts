import type { DeclaresOptions, OptionSpecs } from '../../core/option-spec.js';
import type { Descriptions } from '../descriptions/types.js';
import type { Matrix } from '../matrix.js';

/** Turns sentences into unit-norm rows of dimension `dim` (CLIP, GloVe). */
export interface SentenceEncoder {
  kind: 'sentences';
  /** Names the encoder and its weights exactly: part of the class-embedding cache key. */
  id: string;
  dim: number;
  encode(sentences: readonly string[]): Promise<Matrix>;
  /**
   * Checks class names and their descriptions against what the encoder can read before any is encoded (GloVe: its
   * vocabulary), throwing or warning; absent when any text encodes (CLIP's byte-level tokenizer).
   */
  checkVocabulary?(classNames: readonly string[], descriptions: Descriptions): Promise<void>;
}

/** Gives one row per class directly, ignoring descriptions (precomputed files, random rows). */
export interface ClassEncoder {
  kind: 'classes';
  id: string;
  dim: number;
  embedClasses(classNames: readonly string[]): Promise<Matrix>;
}

export type Encoder = SentenceEncoder | ClassEncoder;

/** What every encoder may use besides its own options. */
export interface EncoderContext {
  /** Root of tgr's on-disk caches (CLIP downloads go under `<cacheDir>/hf/`). */
  cacheDir: string;
  quiet?: boolean;
  /** Where warnings go (class names GloVe does not know, with --allow-unknown-words); defaults to stderr. */
  warn?: (line: string) => void;
}

/** A way to build an encoder; registered in encoders/registry.ts. */
export interface EncoderFactory<O> {
  name: string;
  /** One line for `--help`. */
  summary: string;
  /** The options it reads, declared for the CLI's flags and help. */
  options: OptionSpecs<O>;
  create(options: O, ctx: EncoderContext): Promise<Encoder>;
}

/** Any encoder factory, whatever its options (the registry's entry type). */
export type AnyEncoderFactory = Omit<EncoderFactory<never>, 'options'> & DeclaresOptions;
