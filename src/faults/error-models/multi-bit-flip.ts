import { check } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { flipSiteBits, type ErrorModel } from './model.js';

/** How the k flipped bits are placed: a run of neighbours (a particle strike on adjacent cells) or anywhere. */
export type BitPlacement = 'adjacent' | 'random';

/** Flips k bits of one value: k adjacent bits at a uniform start, or k distinct uniformly chosen bits. */
export function multiBitFlip(k: number, placement: BitPlacement): ErrorModel {
  check(
    Number.isInteger(k) && k >= 1,
    'bad_argument',
    () => `error model multi-bit-${placement}:${k}: k must be a whole number ≥ 1 — write e.g. multi-bit-${placement}:2`,
    { k },
  );
  return {
    name: `multi-bit-${placement}:${k}`,
    pickBits(rng, format) {
      check(
        k <= format.bits,
        'bad_argument',
        () =>
          `error model multi-bit-${placement}:${k} flips more bits than ${format.name} has (${format.bits}); pick k ≤ ${format.bits}`,
      );
      if (placement === 'adjacent') {
        const start = rng.int(format.bits - k + 1); // runs stay inside the word rather than wrapping around
        return Array.from({ length: k }, (_, i) => start + i);
      }
      return distinctBits(rng, format.bits, k);
    },
    corrupt: flipSiteBits,
  };
}

/** k distinct integers from [0, n), sorted (partial Fisher–Yates, so each k-subset is equally likely). */
function distinctBits(rng: Rng, n: number, k: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k).sort((a, b) => a - b);
}
