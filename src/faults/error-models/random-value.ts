import { flipSiteBits, type ErrorModel } from './model.js';

/**
 * The value is replaced by a uniformly random bit pattern. Drawn as "flip each bit with probability ½": XOR with a
 * uniform mask gives a uniform pattern whatever the original was, and the site then records which bits changed, so
 * corruption stays a pure flip of recorded bits.
 */
export const randomValue: ErrorModel = {
  name: 'random-value',
  pickBits(rng, format) {
    const bits: number[] = [];
    for (let b = 0; b < format.bits; b++) if (rng.nextU32() & 1) bits.push(b);
    return bits;
  },
  corrupt: flipSiteBits, // no bits recorded means the random pattern equalled the original
};
