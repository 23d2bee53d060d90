import { lookup } from '../../core/errors.js';
import { clip, type ClipOptions } from './clip.js';
import { glove, type GloveOptions } from './glove.js';
import { precomputed, type PrecomputedOptions } from './precomputed.js';
import { random, type RandomOptions } from './random.js';
import type { AnyEncoderFactory, Encoder, EncoderContext, EncoderFactory } from './types.js';

/** Every encoder's options in one bag (the CLI fills it from flags; each encoder reads its own fields). */
export type EncoderOptions = ClipOptions & GloveOptions & PrecomputedOptions & RandomOptions;

/** Every text encoder. Adding one: a file in encoders/ and a line here. */
export const encoders = {
  clip,
  glove,
  precomputed,
  random,
} satisfies Record<string, AnyEncoderFactory>;

/** Builds the named encoder. */
export async function createEncoder(name: string, options: EncoderOptions, ctx: EncoderContext): Promise<Encoder> {
  const factory = lookup(encoders as Record<string, EncoderFactory<EncoderOptions>>, name, 'text encoder');
  return factory.create(options, ctx);
}
