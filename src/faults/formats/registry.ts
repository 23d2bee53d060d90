import { lookup } from '../../core/errors.js';
import type { NumberFormat } from './format.js';
import { bf16 } from './bf16.js';
import { fp16 } from './fp16.js';
import { fp32 } from './fp32.js';
import { int8 } from './int8.js';

export type { FormatContext, NumberFormat } from './format.js';

/** Every number format an activation can be held in. Adding one: one file in formats/ and one line here. */
export const numberFormats = { fp32, fp16, bf16, int8 } as const satisfies Record<string, NumberFormat>;

/** The name of a registered number format. */
export type NumberFormatName = keyof typeof numberFormats;

/** Looks a format up by name; a miss lists the formats that exist. */
export function numberFormat(name: string): NumberFormat {
  return lookup<NumberFormat>(numberFormats, name, 'number format');
}
