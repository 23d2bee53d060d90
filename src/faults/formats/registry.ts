import { check, lookup } from '../../core/errors.js';
import type { OptionSpecs, SpecSyntax } from '../../core/option-spec.js';
import { datasets } from '../../data/registry.js';
import type { NumberFormat } from './format.js';
import { bf16 } from './bf16.js';
import { bfpFamily } from './bfp.js';
import { fixedPointFamily } from './fixed-point.js';
import { fp16 } from './fp16.js';
import { fp32 } from './fp32.js';
import { fp8E4m3, fp8E4m3NoSat, fp8E5m2, fp8E5m2NoSat } from './fp8.js';
import { intFamily } from './int-k.js';
import { int8 } from './int8.js';
import { fpFamily } from './minifloat.js';

export type { FormatContext, NumberFormat } from './format.js';

/** Every named number format an activation can be held in. Adding one: one file in formats/ and one line here. */
export const numberFormats = {
  fp32,
  fp16,
  bf16,
  int8,
  'fp8-e4m3': fp8E4m3,
  'fp8-e4m3-nosat': fp8E4m3NoSat,
  'fp8-e5m2': fp8E5m2,
  'fp8-e5m2-nosat': fp8E5m2NoSat,
  bfp8: bfpFamily('8:m7'),
} as const satisfies Record<string, NumberFormat>;

/** What a family's formats may need beyond the golden profile: the images a per-channel grid profiles channels on. */
export interface FormatFamilyOptions {
  dataset?: string;
  dataDir?: string;
}

/** A parametric family: the spec syntax it reads after its prefix (for help) and how it builds a format from it. */
export interface FormatFamily extends SpecSyntax {
  /** Parses what follows `prefix:` and refuses a malformed spec in one line. */
  build(args: string): NumberFormat;
  /** The options its formats read beyond the spec (the CLI builds their flags from here). */
  options?: OptionSpecs<FormatFamilyOptions>;
}

/** Where `int:K:channel` finds the images whose per-channel maxima set its scales, when golden.json does not say. */
const channelImages: OptionSpecs<FormatFamilyOptions> = {
  dataset: {
    flag: 'dataset',
    arg: 'name',
    value: { kind: 'enum', choices: Object.keys(datasets) },
    help: "with :channel, the golden pass's dataset, when meta.json does not name it",
  },
  dataDir: { flag: 'data-dir', arg: 'dir', value: { kind: 'folder' }, help: 'with :channel, where that dataset is' },
};

/** Parametric families by spec prefix: `fp:e5m10[:ftz]`, `int:4`, `q:3.4`, `bfp:8:m7`. One entry per family. */
export const formatFamilies: Readonly<Record<string, FormatFamily>> = {
  fp: { syntax: 'fp:eXmY[:ftz]', help: 'IEEE-style minifloat, X exponent and Y mantissa bits', build: fpFamily },
  int: {
    syntax: 'int:K[:channel]',
    help: 'symmetric K-bit integer, scale from the profiled max (per output channel with :channel)',
    build: intFamily,
    options: channelImages,
  },
  q: { syntax: 'q:I.F', help: 'signed fixed point, I integer and F fraction bits', build: fixedPointFamily },
  bfp: { syntax: 'bfp:K:mM', help: 'block floating point, K values share an exponent', build: bfpFamily },
};

/** The name of a registered number format. */
export type NumberFormatName = keyof typeof numberFormats;

const built = new Map<string, NumberFormat>();

/** Looks a format up by name or family spec (`fp:e4m3`); a miss lists the formats and families that exist. */
export function numberFormat(name: string): NumberFormat {
  const colon = name.indexOf(':');
  if (colon < 0) return lookup<NumberFormat>(numberFormats, name, 'number format');
  const known = built.get(name);
  if (known) return known;
  const family = formatFamilies[name.slice(0, colon)];
  check(
    family !== undefined,
    'bad_argument',
    () =>
      `unknown number format family '${name.slice(0, colon)}' in '${name}'; choose one of: ${Object.keys(formatFamilies).join(', ')} (or a name: ${Object.keys(numberFormats).join(', ')})`,
  );
  const format = family.build(name.slice(colon + 1));
  built.set(name, format);
  return format;
}
