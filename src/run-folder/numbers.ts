import { z } from 'zod';

/**
 * A measured number as summary.json stores it: JSON writes NaN and ±∞ as null, so a stored null is read back as NaN;
 * exact intervals are recomputed from the stored tallies when they matter. (A plain number schema, so `--json`'s
 * JSON Schemas can say what it is.)
 */
export const measured = z
  .number()
  .nullable()
  .transform((v) => v ?? NaN);

/**
 * Any number, NaN and ±∞ included, as analysis.json keeps them (`{"$number": …}`, revived before validation): a
 * one-sided ratio is ∞ and an empty mean NaN. zod's `z.number()` refuses both.
 */
export const anyNumber = z.custom<number>((v) => typeof v === 'number', {
  error: (issue) => `Invalid input: expected number, received ${kindOf(issue.input)}`,
});

/** How zod's own messages name a value's type. */
function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}
