import { flipSiteBits, type ErrorModel } from './model.js';

/** Transient single-bit flip (the paper's model and the default): one uniformly chosen bit is inverted. */
export const bitFlip: ErrorModel = {
  name: 'bit-flip',
  singleBit: true,
  pickBits: (rng, format) => [rng.int(format.bits)],
  corrupt: flipSiteBits,
};
