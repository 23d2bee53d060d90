import { check } from '../../core/errors.js';
import { defineFormat, type NumberFormat } from './format.js';
import { f32ToBits } from './fp32.js';
import { roundHalfEven } from './int8.js';

/**
 * Signed fixed point Q(i, f) of a spec `q:I.F`: 1 + I + F bits in two's complement, value = q · 2^−F, so the range is
 * [−2^I, 2^I − 2^−F]. fp32 rounds to nearest even and saturates at the ends (±Inf too); NaN becomes 0. The width is
 * at most 24 bits so every value is an fp32 and each pattern decodes and re-encodes to itself.
 */
export function fixedPointFamily(args: string): NumberFormat {
  const match = /^(\d+)\.(\d+)$/.exec(args);
  const i = Number(match?.[1]);
  const f = Number(match?.[2]);
  const bits = 1 + i + f;
  check(
    match !== null && bits >= 2 && bits <= 24,
    'bad_argument',
    () => `number format 'q:${args}' is not q:I.F with 1 + I + F between 2 and 24 bits; write e.g. q:3.4 (8 bits)`,
  );
  const hi = 2 ** (i + f) - 1;
  const step = 2 ** -f;
  const decode = (pattern: number) => ((pattern << (32 - bits)) >> (32 - bits)) * step;
  return defineFormat({
    name: `q:${args}`,
    bits,
    grid: { kind: 'integer', lo: -hi - 1, hi, step },
    encode: (x) => {
      const v = Math.fround(x) / step;
      const q = Number.isNaN(v) ? 0 : roundHalfEven(Math.max(-hi - 1, Math.min(hi, v)));
      return (q & (2 ** bits - 1)) >>> 0;
    },
    decode,
    toF32Bits: (pattern) => f32ToBits(decode(pattern)),
  });
}
